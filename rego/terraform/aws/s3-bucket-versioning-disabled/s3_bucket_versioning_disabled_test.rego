package compliance.rules.terraform.s3_bucket_versioning_disabled_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_versioning_disabled

_bucket := {"address": "aws_s3_bucket.data", "type": "aws_s3_bucket", "name": "data", "values": {"bucket": "acme-data"}}

test_fail_no_versioning if {
	s3_bucket_versioning_disabled.deny == {{
		"msg": `aws_s3_bucket "data" has versioning disabled (no versioning block and no aws_s3_bucket_versioning for it)`,
		"path": ["values", "versioning"],
	}} with input as _bucket with data.compliance.inventory as [_bucket]
}

test_fail_inline_disabled if {
	bucket := object.union(_bucket, {"values": {"versioning": [{"enabled": false, "mfa_delete": false}]}})
	s3_bucket_versioning_disabled.deny == {{
		"msg": `aws_s3_bucket "data" has versioning disabled (versioning.enabled is false)`,
		"path": ["values", "versioning", 0, "enabled"],
	}} with input as bucket with data.compliance.inventory as [bucket]
}

test_fail_separate_suspended if {
	v := {"type": "aws_s3_bucket_versioning", "values": {"versioning_configuration": [{"status": "Suspended"}]}, "references": {"bucket": ["aws_s3_bucket.data"]}}
	s3_bucket_versioning_disabled.deny == {{
		"msg": `aws_s3_bucket "data" has versioning disabled (its aws_s3_bucket_versioning status is not Enabled)`,
		"path": ["values", "versioning"],
	}} with input as _bucket with data.compliance.inventory as [_bucket, v]
}

test_success_separate_enabled if {
	v := {"type": "aws_s3_bucket_versioning", "values": {"bucket": "acme-data", "versioning_configuration": [{"status": "Enabled"}]}}
	s3_bucket_versioning_disabled.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, v]
}

test_success_inline_enabled if {
	bucket := object.union(_bucket, {"values": {"versioning": [{"enabled": true}]}})
	s3_bucket_versioning_disabled.deny == set() with input as bucket with data.compliance.inventory as [bucket]
}

test_success_status_unknown if {
	v := {"type": "aws_s3_bucket_versioning", "values": {}, "after_unknown": {"versioning_configuration": true}, "references": {"bucket": ["aws_s3_bucket.data"]}}
	s3_bucket_versioning_disabled.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, v]
}
