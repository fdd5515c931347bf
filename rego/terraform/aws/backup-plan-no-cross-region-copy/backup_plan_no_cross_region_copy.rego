# METADATA
# title: Production backup plan without a cross-region copy
# description: A production AWS Backup plan keeps recovery points only in the source region, so a regional outage or a compromised region loses both the data and its backups.
# custom:
#   id: AWS-081
#   severity: medium
#   remediation: Add a copy_action to the plan's rules with destination_vault_arn in the recovery region (and lifecycle for the copies).
#   applies_to:
#     family: terraform
#     types: [aws_backup_plan]
#   environments: [production]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html
package compliance.rules.terraform.backup_plan_no_cross_region_copy

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "rule"]} if {
	tf.known(["rule"])
	not _cross_region_copy
	msg := sprintf("%s copies no recovery point to another region%s", [tf.label, _home])
}

_cross_region_copy if {
	some rule in tf.array_at(input.values, "rule")
	some copy in tf.array_at(rule, "copy_action")
	region := split(copy.destination_vault_arn, ":")[3]
	region != object.get(input, "region", "")
}

_cross_region_copy if {
	some i, rule in tf.array_at(input.values, "rule")
	some j, _ in tf.array_at(rule, "copy_action")
	tf.unknown(["rule", i, "copy_action", j, "destination_vault_arn"])
}

_home := sprintf(" (plan in %s)", [input.region]) if is_string(input.region)

else := ""
