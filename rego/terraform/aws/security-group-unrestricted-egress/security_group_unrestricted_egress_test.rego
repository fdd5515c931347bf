package compliance.rules.terraform.security_group_unrestricted_egress_test

import rego.v1

import data.compliance.rules.terraform.security_group_unrestricted_egress

_params := {"scope_tags": {"PCIScope": ["cde"], "Compliance": ["pci-dss"]}}

_all_out := [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "description": "Allow all outbound"}]

test_fail_allow_all_outbound if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_security_group "payments" (PCI scope: PCIScope = "CDE") egress #0 allows all traffic to 0.0.0.0/0`,
		"path": ["values", "egress", 0, "cidr_blocks"],
	}} with input as {"type": "aws_security_group", "name": "payments", "values": {"tags": {"PCIScope": "CDE"}, "egress": _all_out}}
		with data.compliance.params as _params
}

# The reference platform tags every resource Compliance = "pci-dss,soc2".
test_fail_compliance_tag_lists_pci_dss if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_security_group "pods" (PCI scope: Compliance = "pci-dss,soc2") egress #0 allows all traffic to 0.0.0.0/0`,
		"path": ["values", "egress", 0, "cidr_blocks"],
	}} with input as {"type": "aws_security_group", "name": "pods", "values": {"tags": {"Compliance": "pci-dss,soc2"}, "egress": _all_out}}
		with data.compliance.params as _params
}

test_fail_both_scope_tags_reported_once if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_security_group "pods" (PCI scope: Compliance = "PCI-DSS") egress #0 allows all traffic to 0.0.0.0/0`,
		"path": ["values", "egress", 0, "cidr_blocks"],
	}} with input as {"type": "aws_security_group", "name": "pods", "values": {"tags_all": {"compliance": "PCI-DSS", "PCIScope": "cde"}, "egress": _all_out}}
		with data.compliance.params as _params
}

test_fail_vpc_egress_rule if {
	security_group_unrestricted_egress.deny == {{
		"msg": `aws_vpc_security_group_egress_rule "all" (PCI scope: PCIScope = "cde") allows all traffic to ::/0`,
		"path": ["values", "cidr_ipv6"],
	}} with input as {"type": "aws_vpc_security_group_egress_rule", "name": "all", "values": {"tags": {"PCIScope": "cde"}, "ip_protocol": "-1", "cidr_ipv6": "::/0"}}
		with data.compliance.params as _params
}

test_success_out_of_scope if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "web", "values": {"egress": _all_out}}
		with data.compliance.params as _params
}

# soc2 alone, or a value that only contains "pci" inside a word, is not PCI scope.
test_success_other_compliance_scope if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "web", "values": {"tags": {"Compliance": "soc2,non-pci-dss-reporting"}, "egress": _all_out}}
		with data.compliance.params as _params
}

test_success_tags_unknown if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "pods", "values": {"egress": _all_out}, "after_unknown": {"tags": true}}
		with data.compliance.params as _params
}

test_success_restricted_egress if {
	security_group_unrestricted_egress.deny == set() with input as {"type": "aws_security_group", "name": "payments", "values": {"tags": {"Compliance": "pci-dss"}, "egress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}]}}
		with data.compliance.params as _params
}
