package compliance.rules.terraform.iam_access_key_in_code_test

import rego.v1

import data.compliance.rules.terraform.iam_access_key_in_code

test_fail_access_key if {
	iam_access_key_in_code.deny == {{"msg": `aws_iam_access_key "ci" creates a long-lived access key for IAM user "ci"`, "path": []}}
		with input as {"type": "aws_iam_access_key", "name": "ci", "values": {"user": "ci"}}
}

test_success_other_type if {
	iam_access_key_in_code.deny == set() with input as {"type": "aws_iam_role", "name": "ci", "values": {}}
}
