package compliance.rules.terraform.cloudtrail_log_validation_disabled_test

import rego.v1

import data.compliance.rules.terraform.cloudtrail_log_validation_disabled

test_fail_off if {
	cloudtrail_log_validation_disabled.deny == {{
		"msg": `aws_cloudtrail "x" writes no integrity digests (enable_log_file_validation: false)`,
		"path": ["values", "enable_log_file_validation"],
	}} with input as {"type": "aws_cloudtrail", "name": "x", "values": {"enable_log_file_validation": false}}
}

test_success_on if {
	cloudtrail_log_validation_disabled.deny == set() with input as {"type": "aws_cloudtrail", "name": "x", "values": {"enable_log_file_validation": true}}
}
