# METADATA
# title: CloudTrail log file validation off
# description: A trail writes no digest files, so nobody can prove its log files were not altered or deleted after delivery.
# custom:
#   id: AWS-051
#   severity: medium
#   remediation: Set enable_log_file_validation = true.
#   applies_to:
#     family: terraform
#     types: [aws_cloudtrail]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
package compliance.rules.terraform.cloudtrail_log_validation_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["enable_log_file_validation"])} if {
	tf.known(["enable_log_file_validation"])
	v := tf.value(["enable_log_file_validation"], false)
	v != true
	msg := sprintf("%s writes no integrity digests (enable_log_file_validation: %v)", [tf.label, v])
}
