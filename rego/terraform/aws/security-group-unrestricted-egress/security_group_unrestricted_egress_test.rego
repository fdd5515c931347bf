package compliance.rules.terraform.security_group_unrestricted_egress_test

import rego.v1

import data.compliance.rules.terraform.security_group_unrestricted_egress

_params := {"scope_tag": "PCIScope", "scope_values": ["cde"]}

test_fail_allow_all_outbound if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_security_group "payments" (cardholder data) egress #0 allows all traffic to 0.0.0.0/0`,
		"path": ["values", "egress", 0, "cidr_blocks"],
	}} with input as {"type": "aws_security_group", "name": "payments", "values": {"tags": {"PCIScope": "CDE"}, "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}}
		with data.compliance.params as _params
}

test_fail_vpc_egress_rule if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_vpc_security_group_egress_rule "all" (cardholder data) allows all traffic to ::/0`,
		"path": ["values", "cidr_ipv6"],
	}} with input as {"type": "aws_vpc_security_group_egress_rule", "name": "all", "values": {"tags": {"PCIScope": "cde"}, "ip_protocol": "-1", "cidr_ipv6": "::/0"}}
		with data.compliance.params as _params
}

test_success_out_of_scope if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "web", "values": {"egress": [{"protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}]}}
		with data.compliance.params as _params
}

test_success_restricted_egress if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "payments", "values": {"tags": {"PCIScope": "cde"}, "egress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}}
		with data.compliance.params as _params
}
