# METADATA
# title: S3 public access block missing or incomplete
# description: A bucket is not covered by a public access block with all four flags set, so one ACL or policy change can make its objects public.
# custom:
#   id: AWS-003
#   severity: high
#   remediation: Add an aws_s3_bucket_public_access_block for the bucket (or an aws_s3_account_public_access_block) with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket, aws_s3_bucket_public_access_block, aws_s3_account_public_access_block]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
package compliance.rules.terraform.s3_public_access_block_incomplete

import rego.v1

import data.compliance.lib.terraform as tf

_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

# A block resource with a flag that is not true.
deny contains {"msg": msg, "path": ["values", flag]} if {
	input.type in {"aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"}
	some flag in _flags
	tf.known([flag])
	object.get(input.values, flag, false) != true
	msg := sprintf("%s leaves %s off (%v)", [tf.label, flag, object.get(input.values, flag, null)])
}

# Reads data.compliance.inventory: a bucket needs a block resource pointing at it.
deny contains {"msg": msg, "path": []} if {
	input.type == "aws_s3_bucket"
	count(tf.related(data.compliance.inventory, "aws_s3_bucket_public_access_block", "bucket", tf.value(["bucket"], null))) == 0
	not _account_block
	msg := sprintf("%s has no aws_s3_bucket_public_access_block and no account-level block", [tf.label])
}

_account_block if {
	some _ in tf.all_of_type(data.compliance.inventory, "aws_s3_account_public_access_block")
}
