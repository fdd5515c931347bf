package compliance.rules.terraform.s3_bucket_sse_not_kms_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_sse_not_kms

_params := {"classification_tag": "DataClassification", "regulated": ["pci", "personal"]}

_bucket := {"address": "aws_s3_bucket.cards", "type": "aws_s3_bucket", "name": "cards", "values": {"bucket": "acme-cards", "tags": {"DataClassification": "PCI"}}}

_sse(algorithm) := {"address": "aws_s3_bucket_server_side_encryption_configuration.cards", "type": "aws_s3_bucket_server_side_encryption_configuration", "references": {"bucket": ["aws_s3_bucket.cards"]}, "values": {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": algorithm}]}]}}

test_fail_separate_aes256 if {
	s3_bucket_sse_not_kms.deny == {{
		"msg": `aws_s3_bucket "cards" holds pci data but is encrypted with AES256 (SSE-S3), not a KMS key (in aws_s3_bucket_server_side_encryption_configuration.cards)`,
		"path": [],
	}} with input as _bucket with data.compliance.inventory as [_bucket, _sse("AES256")] with data.compliance.params as _params
}

test_fail_inline_aes256 if {
	bucket := object.union(_bucket, {"values": {"server_side_encryption_configuration": [{"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}]}})
	s3_bucket_sse_not_kms.deny == {{
		"msg": `aws_s3_bucket "cards" holds pci data but is encrypted with AES256 (SSE-S3), not a KMS key`,
		"path": ["values", "server_side_encryption_configuration", 0, "rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm"],
	}} with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}

test_success_kms if {
	s3_bucket_sse_not_kms.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, _sse("aws:kms")] with data.compliance.params as _params
}

test_success_not_regulated if {
	bucket := object.union(_bucket, {"values": {"tags": {"DataClassification": "public"}}})
	s3_bucket_sse_not_kms.deny == set() with input as bucket with data.compliance.inventory as [bucket, _sse("AES256")] with data.compliance.params as _params
}
