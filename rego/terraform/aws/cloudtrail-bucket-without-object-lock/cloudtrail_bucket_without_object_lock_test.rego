package compliance.rules.terraform.cloudtrail_bucket_without_object_lock_test

import rego.v1

import data.compliance.rules.terraform.cloudtrail_bucket_without_object_lock

_trail := {"type": "aws_cloudtrail", "name": "org", "values": {"s3_bucket_name": "acme-trail"}}

test_fail_bucket_unlocked if {
	bucket := {"address": "aws_s3_bucket.trail", "type": "aws_s3_bucket", "values": {"bucket": "acme-trail", "object_lock_enabled": false}}
	cloudtrail_bucket_without_object_lock.deny == {{
		"msg": `aws_cloudtrail "org" delivers logs to aws_s3_bucket.trail, which has no Object Lock`,
		"path": ["values", "s3_bucket_name"],
	}} with input as _trail with data.compliance.inventory as [_trail, bucket]
}

test_success_bucket_locked if {
	bucket := {"address": "aws_s3_bucket.trail", "type": "aws_s3_bucket", "values": {"bucket": "acme-trail", "object_lock_enabled": true}}
	cloudtrail_bucket_without_object_lock.deny == set() with input as _trail with data.compliance.inventory as [_trail, bucket]
}

test_success_bucket_not_in_scan if {
	cloudtrail_bucket_without_object_lock.deny == set() with input as _trail with data.compliance.inventory as [_trail]
}
