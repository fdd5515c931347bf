# METADATA
# title: CloudTrail writes to a bucket without Object Lock
# description: A trail delivers logs to an S3 bucket in the scan that has no Object Lock, so the audit trail can be deleted or rewritten by anyone who gains write access to the bucket.
# custom:
#   id: AWS-055
#   severity: medium
#   remediation: Deliver CloudTrail logs to a bucket created with object_lock_enabled = true and a COMPLIANCE-mode default retention (see AWS-008).
#   applies_to:
#     family: terraform
#     types: [aws_cloudtrail]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
#     - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
package compliance.rules.terraform.cloudtrail_bucket_without_object_lock

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: the destination bucket is another resource.
deny contains {"msg": msg, "path": ["values", "s3_bucket_name"]} if {
	some bucket in tf.all_of_type(data.compliance.inventory, "aws_s3_bucket")
	_destination(bucket)
	not _locked(bucket)
	msg := sprintf("%s delivers logs to %s, which has no Object Lock", [tf.label, bucket.address])
}

_destination(bucket) if tf.base_address(bucket.address) in tf.array_at(input, ["references", "s3_bucket_name"])

_destination(bucket) if {
	is_string(input.values.s3_bucket_name)
	bucket.values.bucket == input.values.s3_bucket_name
}

_locked(bucket) if bucket.values.object_lock_enabled == true

_locked(bucket) if bucket.values.object_lock_configuration[0].object_lock_enabled == "Enabled"

_locked(bucket) if object.get(bucket, ["after_unknown", "object_lock_enabled"], false) == true
