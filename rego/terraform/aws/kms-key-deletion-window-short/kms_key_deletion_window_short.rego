# METADATA
# title: KMS key deletion window too short
# description: A KMS key can be deleted after a waiting period shorter than the policy minimum, leaving little time to notice and cancel a deletion that would make data unreadable.
# custom:
#   id: AWS-011
#   severity: low
#   remediation: Set deletion_window_in_days to at least the minimum (30 by default), or leave it unset (AWS default 30).
#   applies_to:
#     family: terraform
#     types: [aws_kms_key, aws_kms_replica_key]
#   params:
#     min_days: 30
#   references:
#     - https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html#deleting-keys-how-it-works
package compliance.rules.terraform.kms_key_deletion_window_short

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "deletion_window_in_days"]} if {
	days := input.values.deletion_window_in_days
	is_number(days)
	days < data.compliance.params.min_days
	msg := sprintf("%s can be deleted %d days after scheduling (deletion_window_in_days: %d, minimum %d)", [tf.label, days, days, data.compliance.params.min_days])
}
