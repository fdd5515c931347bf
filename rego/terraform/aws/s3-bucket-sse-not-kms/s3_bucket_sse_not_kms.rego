# METADATA
# title: Regulated S3 bucket encrypted with S3-managed keys
# description: A bucket holding regulated data uses AES256 (SSE-S3) instead of a KMS key, so anyone allowed to read the bucket reads the data, with no separate key permission or key-use log.
# custom:
#   id: AWS-006
#   severity: medium
#   remediation: Use sse_algorithm = "aws:kms" with a customer managed kms_master_key_id for buckets with regulated data.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params:
#     classification_tag: "DataClassification"
#     regulated: ["pci", "cardholder", "restricted", "confidential", "personal", "phi"]
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html
package compliance.rules.terraform.s3_bucket_sse_not_kms

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: the encryption may be a separate resource.
deny contains {"msg": msg, "path": path} if {
	_regulated
	some entry in _algorithms
	entry.algorithm == "AES256"
	path := entry.path
	msg := sprintf("%s holds %s data but is encrypted with AES256 (SSE-S3), not a KMS key%s", [tf.label, lower(tf.tag(data.compliance.params.classification_tag)), entry.where])
}

_regulated if lower(tf.tag(data.compliance.params.classification_tag)) in {lower(v) | some v in data.compliance.params.regulated}

_algorithms contains {"algorithm": d.sse_algorithm, "path": ["values", "server_side_encryption_configuration", i, "rule", j, "apply_server_side_encryption_by_default", k, "sse_algorithm"], "where": ""} if {
	some i, config in tf.array_at(input.values, "server_side_encryption_configuration")
	some j, rule in tf.array_at(config, "rule")
	some k, d in tf.array_at(rule, "apply_server_side_encryption_by_default")
}

_algorithms contains {"algorithm": d.sse_algorithm, "path": [], "where": sprintf(" (in %s)", [r.address])} if {
	some r in tf.related(data.compliance.inventory, "aws_s3_bucket_server_side_encryption_configuration", "bucket", tf.value(["bucket"], null))
	some rule in tf.array_at(r, ["values", "rule"])
	some d in tf.array_at(rule, "apply_server_side_encryption_by_default")
}
