# METADATA
# title: S3 bucket without server-side encryption
# description: An S3 bucket declares no default encryption, so objects are stored under whatever the account default happens to be and no audit can show the bucket's own setting.
# custom:
#   id: AWS-001
#   severity: high
#   remediation: Add an aws_s3_bucket_server_side_encryption_configuration resource for the bucket (AWS provider v4+) or a server_side_encryption_configuration block.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
#     - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_server_side_encryption_configuration
package compliance.rules.terraform.s3_bucket_unencrypted

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: the encryption may be a separate resource (provider v4+).
deny contains {"msg": msg, "path": ["values", "server_side_encryption_configuration"]} if {
	not _inline_encryption
	not tf.unknown(["server_side_encryption_configuration"])
	count(tf.related(data.compliance.inventory, "aws_s3_bucket_server_side_encryption_configuration", "bucket", tf.value(["bucket"], null))) == 0
	msg := sprintf("%s has no default encryption (no server_side_encryption_configuration block and no aws_s3_bucket_server_side_encryption_configuration for it)", [tf.label])
}

_inline_encryption if {
	some config in tf.array_at(input.values, "server_side_encryption_configuration")
	some rule in tf.array_at(config, "rule")
	count(rule.apply_server_side_encryption_by_default) > 0
}
