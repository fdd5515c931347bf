package compliance.rules.terraform.cloudtrail_not_kms_encrypted_test

import rego.v1

import data.compliance.rules.terraform.cloudtrail_not_kms_encrypted

test_fail_no_key if {
	cloudtrail_not_kms_encrypted.deny == {{
		"msg": `aws_cloudtrail "x" log files are not encrypted with a KMS key (no kms_key_id)`,
		"path": ["values", "kms_key_id"],
	}} with input as {"type": "aws_cloudtrail", "name": "x", "values": {"kms_key_id": null}}
}

test_success_key if {
	cloudtrail_not_kms_encrypted.deny == set() with input as {"type": "aws_cloudtrail", "name": "x", "values": {"kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/abcd"}}
}

test_success_unknown if {
	cloudtrail_not_kms_encrypted.deny == set() with input as {"type": "aws_cloudtrail", "name": "x", "values": {}, "after_unknown": {"kms_key_id": true}}
}
