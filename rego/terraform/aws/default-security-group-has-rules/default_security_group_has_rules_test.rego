package compliance.rules.terraform.default_security_group_has_rules_test

import rego.v1

import data.compliance.rules.terraform.default_security_group_has_rules

test_fail_default_rules if {
	default_security_group_has_rules.deny == {
		{"msg": `aws_default_security_group "default" has 1 ingress rule(s)`, "path": ["values", "ingress"]},
		{"msg": `aws_default_security_group "default" has 1 egress rule(s)`, "path": ["values", "egress"]},
	} with input as {"type": "aws_default_security_group", "name": "default", "values": {
		"ingress": [{"protocol": "-1", "self": true, "from_port": 0, "to_port": 0}],
		"egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}],
	}}
}

test_success_no_rules if {
	default_security_group_has_rules.deny == set() with input as {"type": "aws_default_security_group", "name": "default", "values": {"ingress": [], "egress": []}}
}
