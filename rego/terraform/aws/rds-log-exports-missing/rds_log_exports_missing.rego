# METADATA
# title: RDS logs not exported to CloudWatch
# description: A database exports no logs to CloudWatch Logs, so connection, error and audit logs stay on the instance and are lost with it.
# custom:
#   id: AWS-026
#   severity: low
#   remediation: Set enabled_cloudwatch_logs_exports (e.g. ["postgresql"] or ["audit", "error", "slowquery"]).
#   applies_to:
#     family: terraform
#     types: [aws_db_instance, aws_rds_cluster]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
package compliance.rules.terraform.rds_log_exports_missing

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["enabled_cloudwatch_logs_exports"])} if {
	not _aurora_member
	tf.known(["enabled_cloudwatch_logs_exports"])
	v := tf.value(["enabled_cloudwatch_logs_exports"], [])
	count(v) == 0
	msg := sprintf("%s exports no logs to CloudWatch (enabled_cloudwatch_logs_exports: %v)", [tf.label, v])
}


# Aurora instances take storage, backup and protection settings from their cluster.
_aurora_member if {
	input.type == "aws_db_instance"
	startswith(tf.value(["engine"], ""), "aurora")
}
