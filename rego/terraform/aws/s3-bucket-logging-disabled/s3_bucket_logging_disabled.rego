# METADATA
# title: S3 bucket without server access logging
# description: Requests to a bucket are not logged, so reads and deletions of its objects leave no trace.
# custom:
#   id: AWS-005
#   severity: medium
#   remediation: Add an aws_s3_bucket_logging resource (or a logging block) sending access logs to a separate log bucket.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params:
#     exempt_tag: "LogBucket"
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
package compliance.rules.terraform.s3_bucket_logging_disabled

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: logging may be a separate aws_s3_bucket_logging.
deny contains {"msg": msg, "path": ["values", "logging"]} if {
	not _exempt
	tf.known(["logging"])
	count(tf.array_at(input.values, "logging")) == 0
	count(tf.related(data.compliance.inventory, "aws_s3_bucket_logging", "bucket", tf.value(["bucket"], null))) == 0
	msg := sprintf("%s has no access logging (no logging block and no aws_s3_bucket_logging for it)", [tf.label])
}

_exempt if lower(sprintf("%v", [tf.tag(data.compliance.params.exempt_tag)])) != "false"
