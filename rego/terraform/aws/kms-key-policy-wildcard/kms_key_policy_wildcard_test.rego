package compliance.rules.terraform.kms_key_policy_wildcard_test

import rego.v1

import data.compliance.rules.terraform.kms_key_policy_wildcard

_policy(principal) := json.marshal({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}]})

test_fail_role_gets_kms_star if {
	kms_key_policy_wildcard.deny == {{
		"msg": `aws_kms_key "k" policy grants "kms:*" to "arn:aws:iam::111122223333:role/app"`,
		"path": ["values", "policy"],
	}} with input as {"type": "aws_kms_key", "name": "k", "values": {"policy": _policy({"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/app"]})}}
}

test_fail_everyone if {
	kms_key_policy_wildcard.deny == {{
		"msg": `aws_kms_key_policy "k" policy grants "kms:*" to "*"`,
		"path": ["values", "policy"],
	}} with input as {"type": "aws_kms_key_policy", "name": "k", "values": {"policy": _policy("*")}}
}

test_success_root_only if {
	kms_key_policy_wildcard.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {"policy": _policy({"AWS": "arn:aws:iam::111122223333:root"})}}
}

test_success_specific_actions if {
	policy := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"}]})
	kms_key_policy_wildcard.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {"policy": policy}}
}

test_success_policy_unknown if {
	kms_key_policy_wildcard.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {}, "after_unknown": {"policy": true}}
}
