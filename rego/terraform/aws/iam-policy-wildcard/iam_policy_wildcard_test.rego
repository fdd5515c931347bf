package compliance.rules.terraform.iam_policy_wildcard_test

import rego.v1

import data.compliance.rules.terraform.iam_policy_wildcard

_params := {"admin_services": ["iam", "kms"]}

test_fail_star_on_star if {
	iam_policy_wildcard.deny == {{
		"msg": `aws_iam_policy "admin" statement #0 allows every action ("*") on every resource`,
		"path": ["values", "policy"],
	}} with input as {"type": "aws_iam_policy", "name": "admin", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})}}
		with data.compliance.params as _params
}

test_fail_iam_star if {
	iam_policy_wildcard.deny == {{
		"msg": `aws_iam_role_policy "ci" statement "Bootstrap" allows "iam:*"`,
		"path": ["values", "policy"],
	}} with input as {"type": "aws_iam_role_policy", "name": "ci", "values": {"policy": json.marshal({"Statement": [{"Sid": "Bootstrap", "Effect": "Allow", "Action": ["s3:GetObject", "iam:*"], "Resource": "arn:aws:iam::111122223333:role/*"}]})}}
		with data.compliance.params as _params
}

test_success_scoped if {
	iam_policy_wildcard.deny == set() with input as {"type": "aws_iam_policy", "name": "read", "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*"}]})}}
		with data.compliance.params as _params
}

test_success_unknown if {
	iam_policy_wildcard.deny == set() with input as {"type": "aws_iam_policy", "name": "read", "values": {}, "after_unknown": {"policy": true}}
		with data.compliance.params as _params
}
