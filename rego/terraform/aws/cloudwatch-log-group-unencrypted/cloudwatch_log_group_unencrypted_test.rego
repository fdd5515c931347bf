package compliance.rules.terraform.cloudwatch_log_group_unencrypted_test

import rego.v1

import data.compliance.rules.terraform.cloudwatch_log_group_unencrypted

test_fail_no_key if {
	cloudwatch_log_group_unencrypted.deny == {{
		"msg": `aws_cloudwatch_log_group "x" is not encrypted with a customer managed KMS key (no kms_key_id)`,
		"path": ["values", "kms_key_id"],
	}} with input as {"type": "aws_cloudwatch_log_group", "name": "x", "values": {"name": "/app"}}
}

test_success_key if {
	cloudwatch_log_group_unencrypted.deny == set() with input as {"type": "aws_cloudwatch_log_group", "name": "x", "values": {"kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/abcd"}}
}

test_success_unknown if {
	cloudwatch_log_group_unencrypted.deny == set() with input as {"type": "aws_cloudwatch_log_group", "name": "x", "values": {}, "after_unknown": {"kms_key_id": true}}
}
