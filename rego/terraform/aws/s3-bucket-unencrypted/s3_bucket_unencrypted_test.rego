package compliance.rules.terraform.s3_bucket_unencrypted_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_unencrypted

_bucket := {"address": "aws_s3_bucket.logs", "type": "aws_s3_bucket", "name": "logs", "values": {"bucket": "acme-logs"}}

test_fail_no_encryption if {
	s3_bucket_unencrypted.deny == {{
		"msg": `aws_s3_bucket "logs" has no default encryption (no server_side_encryption_configuration block and no aws_s3_bucket_server_side_encryption_configuration for it)`,
		"path": ["values", "server_side_encryption_configuration"],
	}} with input as _bucket with data.compliance.inventory as [_bucket]
}

test_fail_encryption_config_for_another_bucket if {
	other := {"type": "aws_s3_bucket_server_side_encryption_configuration", "values": {"bucket": "other"}, "references": {"bucket": ["aws_s3_bucket.other"]}}
	count(s3_bucket_unencrypted.deny) == 1 with input as _bucket with data.compliance.inventory as [_bucket, other]
}

test_success_inline_block if {
	bucket := object.union(_bucket, {"values": {"server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}]}})
	s3_bucket_unencrypted.deny == set() with input as bucket with data.compliance.inventory as [bucket]
}

test_success_separate_resource_by_reference if {
	sse := {"type": "aws_s3_bucket_server_side_encryption_configuration", "values": {}, "after_unknown": {"bucket": true}, "references": {"bucket": ["aws_s3_bucket.logs"]}}
	s3_bucket_unencrypted.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, sse]
}

test_success_separate_resource_by_bucket_name if {
	sse := {"type": "aws_s3_bucket_server_side_encryption_configuration", "values": {"bucket": "acme-logs"}}
	s3_bucket_unencrypted.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, sse]
}

test_success_unknown_until_apply if {
	bucket := object.union(_bucket, {"after_unknown": {"server_side_encryption_configuration": true}})
	s3_bucket_unencrypted.deny == set() with input as bucket with data.compliance.inventory as [bucket]
}

# Dev's encryption configuration does not encrypt production's bucket of the same address.
test_fail_encryption_config_in_another_plan if {
	bucket := object.union(_bucket, {"configuration": "environments/production/plan.json"})
	sse := {"type": "aws_s3_bucket_server_side_encryption_configuration", "values": {"bucket": "acme-logs"}, "references": {"bucket": ["aws_s3_bucket.logs"]}, "configuration": "environments/dev/plan.json"}
	s3_bucket_unencrypted.deny == {{
		"msg": `aws_s3_bucket "logs" has no default encryption (no server_side_encryption_configuration block and no aws_s3_bucket_server_side_encryption_configuration for it)`,
		"path": ["values", "server_side_encryption_configuration"],
	}} with input as bucket with data.compliance.inventory as [bucket, sse]
}

test_success_encryption_config_in_the_same_plan if {
	bucket := object.union(_bucket, {"configuration": "environments/production/plan.json"})
	sse := {"type": "aws_s3_bucket_server_side_encryption_configuration", "values": {"bucket": "acme-logs"}, "references": {"bucket": ["aws_s3_bucket.logs"]}, "configuration": "environments/production/plan.json"}
	s3_bucket_unencrypted.deny == set() with input as bucket with data.compliance.inventory as [bucket, sse]
}
