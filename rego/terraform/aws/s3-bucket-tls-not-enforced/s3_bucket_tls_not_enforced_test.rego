package compliance.rules.terraform.s3_bucket_tls_not_enforced_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_tls_not_enforced

_bucket := {"address": "aws_s3_bucket.b", "type": "aws_s3_bucket", "name": "b", "values": {"bucket": "acme-b"}}

_deny_http := json.marshal({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::acme-b", "arn:aws:s3:::acme-b/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})

test_fail_no_policy if {
	s3_bucket_tls_not_enforced.deny == {{
		"msg": `aws_s3_bucket "b" has no policy statement denying requests without TLS (aws:SecureTransport false)`,
		"path": ["values", "policy"],
	}} with input as _bucket with data.compliance.inventory as [_bucket]
}

test_fail_policy_without_tls_statement if {
	policy := {"type": "aws_s3_bucket_policy", "references": {"bucket": ["aws_s3_bucket.b"]}, "values": {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/r"}, "Action": "s3:GetObject", "Resource": "*"}]})}}
	count(s3_bucket_tls_not_enforced.deny) == 1 with input as _bucket with data.compliance.inventory as [_bucket, policy]
}

test_success_separate_policy if {
	policy := {"type": "aws_s3_bucket_policy", "references": {"bucket": ["aws_s3_bucket.b"]}, "values": {"policy": _deny_http}}
	s3_bucket_tls_not_enforced.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, policy]
}

test_success_inline_policy if {
	bucket := object.union(_bucket, {"values": {"policy": _deny_http}})
	s3_bucket_tls_not_enforced.deny == set() with input as bucket with data.compliance.inventory as [bucket]
}

test_success_policy_unknown if {
	policy := {"type": "aws_s3_bucket_policy", "references": {"bucket": ["aws_s3_bucket.b"]}, "values": {}, "after_unknown": {"policy": true}}
	s3_bucket_tls_not_enforced.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, policy]
}
