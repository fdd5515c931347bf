# METADATA
# title: CloudTrail logs not encrypted with KMS
# description: A trail's log files are encrypted only with S3-managed keys, so anyone with read access to the bucket can read the account's whole API history.
# custom:
#   id: AWS-052
#   severity: medium
#   remediation: Set kms_key_id to a customer managed KMS key whose policy lets CloudTrail encrypt and only auditors decrypt.
#   applies_to:
#     family: terraform
#     types: [aws_cloudtrail]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
package compliance.rules.terraform.cloudtrail_not_kms_encrypted

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["kms_key_id"])} if {
	tf.known(["kms_key_id"])
	v := tf.value(["kms_key_id"], "")
	v == ""
	msg := sprintf("%s log files are not encrypted with a KMS key (no kms_key_id)", [tf.label])
}
