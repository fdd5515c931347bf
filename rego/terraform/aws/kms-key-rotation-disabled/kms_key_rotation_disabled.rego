# METADATA
# title: KMS key without automatic rotation
# description: A symmetric customer managed KMS key is never rotated, so one key protects data for its whole life.
# custom:
#   id: AWS-010
#   severity: medium
#   remediation: Set enable_key_rotation = true on the aws_kms_key.
#   applies_to:
#     family: terraform
#     types: [aws_kms_key]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
package compliance.rules.terraform.kms_key_rotation_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "enable_key_rotation"]} if {
	tf.value(["customer_master_key_spec"], "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	tf.value(["key_usage"], "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	tf.known(["enable_key_rotation"])
	tf.value(["enable_key_rotation"], false) != true
	msg := sprintf("%s has automatic rotation off (enable_key_rotation: %v)", [tf.label, tf.value(["enable_key_rotation"], null)])
}
