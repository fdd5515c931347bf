# METADATA
# title: CloudWatch log group not encrypted with KMS
# description: A log group is encrypted only with CloudWatch's service key, so access to the logs cannot be limited or audited through a key policy.
# custom:
#   id: AWS-054
#   severity: low
#   remediation: Set kms_key_id to a customer managed KMS key that allows the logs service principal.
#   applies_to:
#     family: terraform
#     types: [aws_cloudwatch_log_group]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
package compliance.rules.terraform.cloudwatch_log_group_unencrypted

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["kms_key_id"])} if {
	tf.known(["kms_key_id"])
	v := tf.value(["kms_key_id"], "")
	v == ""
	msg := sprintf("%s is not encrypted with a customer managed KMS key (no kms_key_id)", [tf.label])
}
