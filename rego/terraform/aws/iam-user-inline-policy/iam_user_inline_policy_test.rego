package compliance.rules.terraform.iam_user_inline_policy_test

import rego.v1

import data.compliance.rules.terraform.iam_user_inline_policy

test_fail_inline_user_policy if {
	iam_user_inline_policy.deny == {{"msg": `aws_iam_user_policy "p" attaches an inline policy to IAM user "deploy-bot"`, "path": []}}
		with input as {"type": "aws_iam_user_policy", "name": "p", "values": {"user": "deploy-bot"}}
}

test_success_other_type if {
	iam_user_inline_policy.deny == set() with input as {"type": "aws_iam_role_policy", "name": "p", "values": {}}
}
