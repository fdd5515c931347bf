# METADATA
# title: RDS backup retention too short
# description: Automated backups are kept for fewer days than the policy requires, so older data cannot be restored.
# custom:
#   id: AWS-022
#   severity: medium
#   remediation: Set backup_retention_period to at least the minimum (7 days by default; up to 35).
#   applies_to:
#     family: terraform
#     types: [aws_db_instance, aws_rds_cluster]
#   params:
#     min_days: 7
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html
package compliance.rules.terraform.rds_backup_retention_short

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["backup_retention_period"])} if {
	not _aurora_member
	tf.known(["backup_retention_period"])
	v := tf.value(["backup_retention_period"], 1)
	v < data.compliance.params.min_days
	msg := sprintf("%s keeps automated backups for %v day(s)", [tf.label, v])
}


# Aurora instances take storage, backup and protection settings from their cluster.
_aurora_member if {
	input.type == "aws_db_instance"
	startswith(tf.value(["engine"], ""), "aurora")
}
