package compliance.rules.terraform.s3_bucket_logging_disabled_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_logging_disabled

_bucket := {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "acme-b"}}

_params := {"exempt_tag": "LogBucket"}

test_fail_no_logging if {
	s3_bucket_logging_disabled.deny == {{
		"msg": `aws_s3_bucket "b" has no access logging (no logging block and no aws_s3_bucket_logging for it)`,
		"path": ["values", "logging"],
	}} with input as _bucket with data.compliance.inventory as [_bucket] with data.compliance.params as _params
}

test_success_separate_logging if {
	logging := {"type": "aws_s3_bucket_logging", "references": {"bucket": ["aws_s3_bucket.b"]}, "values": {"target_bucket": "acme-logs"}}
	s3_bucket_logging_disabled.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, logging]
		with data.compliance.params as _params
}

test_success_inline_logging if {
	bucket := object.union(_bucket, {"values": {"logging": [{"target_bucket": "acme-logs"}]}})
	s3_bucket_logging_disabled.deny == set() with input as bucket with data.compliance.inventory as [bucket]
		with data.compliance.params as _params
}

test_success_log_bucket_exempt if {
	bucket := object.union(_bucket, {"values": {"tags": {"LogBucket": "true"}}})
	s3_bucket_logging_disabled.deny == set() with input as bucket with data.compliance.inventory as [bucket]
		with data.compliance.params as _params
}
