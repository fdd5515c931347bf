package compliance.rules.terraform.s3_public_access_block_incomplete_test

import rego.v1

import data.compliance.rules.terraform.s3_public_access_block_incomplete

_bucket := {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "acme-b"}}

_block(values) := {"address": "aws_s3_bucket_public_access_block.b", "type": "aws_s3_bucket_public_access_block", "name": "b", "values": values, "references": {"bucket": ["aws_s3_bucket.b"]}}

_all := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

test_fail_bucket_without_block if {
	s3_public_access_block_incomplete.deny == {{
		"msg": `aws_s3_bucket "b" has no aws_s3_bucket_public_access_block and no account-level block`,
		"path": [],
	}} with input as _bucket with data.compliance.inventory as [_bucket]
}

test_fail_block_with_flags_off if {
	block := _block(object.union(_all, {"block_public_policy": false, "restrict_public_buckets": null}))
	s3_public_access_block_incomplete.deny == {
		{"msg": `aws_s3_bucket_public_access_block "b" leaves block_public_policy off (false)`, "path": ["values", "block_public_policy"]},
		{"msg": `aws_s3_bucket_public_access_block "b" leaves restrict_public_buckets off (null)`, "path": ["values", "restrict_public_buckets"]},
	} with input as block with data.compliance.inventory as [block]
}

test_success_bucket_with_block if {
	s3_public_access_block_incomplete.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, _block(_all)]
}

test_success_account_block if {
	account := {"type": "aws_s3_account_public_access_block", "values": _all}
	s3_public_access_block_incomplete.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, account]
}

test_success_complete_block if {
	s3_public_access_block_incomplete.deny == set() with input as _block(_all) with data.compliance.inventory as []
}

test_success_flag_unknown if {
	block := object.union(_block(object.remove(_all, ["ignore_public_acls"])), {"after_unknown": {"ignore_public_acls": true}})
	s3_public_access_block_incomplete.deny == set() with input as block with data.compliance.inventory as []
}
