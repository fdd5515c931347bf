package compliance.rules.terraform.security_group_open_ingress_test

import rego.v1

import data.compliance.rules.terraform.security_group_open_ingress

_params := {"allowed_public_ports": [80, 443]}

test_fail_inline_ssh if {
	security_group_open_ingress.deny == {{
		"msg": `aws_security_group "bastion" ingress #1 allows 0.0.0.0/0 to port 22 (SSH)`,
		"path": ["values", "ingress", 1, "cidr_blocks"],
	}} with input as {"type": "aws_security_group", "name": "bastion", "values": {"ingress": [
		{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
		{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
	]}} with data.compliance.params as _params
}

test_fail_rule_all_ports_ipv6 if {
	security_group_open_ingress.deny == {{
		"msg": `aws_security_group_rule "any" allows ::/0 to all ports (SSH, RDP and every other)`,
		"path": ["values", "ipv6_cidr_blocks"],
	}} with input as {"type": "aws_security_group_rule", "name": "any", "values": {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "ipv6_cidr_blocks": ["::/0"]}}
		with data.compliance.params as _params
}

test_fail_vpc_rule_rdp_range if {
	security_group_open_ingress.deny == {{
		"msg": `aws_vpc_security_group_ingress_rule "win" allows 0.0.0.0/0 to ports 3000-4000 (RDP)`,
		"path": ["values", "cidr_ipv4"],
	}} with input as {"type": "aws_vpc_security_group_ingress_rule", "name": "win", "values": {"ip_protocol": "tcp", "from_port": 3000, "to_port": 4000, "cidr_ipv4": "0.0.0.0/0"}}
		with data.compliance.params as _params
}

test_fail_database_port if {
	security_group_open_ingress.deny == {{
		"msg": `aws_security_group_rule "pg" allows 0.0.0.0/0 to port 5432`,
		"path": ["values", "cidr_blocks"],
	}} with input as {"type": "aws_security_group_rule", "name": "pg", "values": {"type": "ingress", "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["0.0.0.0/0"]}}
		with data.compliance.params as _params
}

test_success_https_only if {
	security_group_open_ingress.deny == set() with input as {"type": "aws_security_group", "name": "alb", "values": {"ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]}]}}
		with data.compliance.params as _params
}

test_success_private_source if {
	security_group_open_ingress.deny == set() with input as {"type": "aws_security_group_rule", "name": "ssh", "values": {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}}
		with data.compliance.params as _params
}

test_success_egress_rule if {
	security_group_open_ingress.deny == set() with input as {"type": "aws_security_group_rule", "name": "out", "values": {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}}
		with data.compliance.params as _params
}

test_success_icmp if {
	security_group_open_ingress.deny == set() with input as {"type": "aws_security_group_rule", "name": "ping", "values": {"type": "ingress", "protocol": "icmp", "from_port": 8, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}}
		with data.compliance.params as _params
}
