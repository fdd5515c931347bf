# METADATA
# title: Production RDS instance not Multi-AZ
# description: A production database runs in one availability zone, so a zone outage or host failure takes it down until it is restored.
# custom:
#   id: AWS-023
#   severity: medium
#   remediation: Set multi_az = true on production database instances.
#   applies_to:
#     family: terraform
#     types: [aws_db_instance]
#   environments: [production]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html
package compliance.rules.terraform.rds_multi_az_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["multi_az"])} if {
	not _aurora_member
	tf.known(["multi_az"])
	v := tf.value(["multi_az"], false)
	v != true
	msg := sprintf("%s runs in a single availability zone (multi_az: %v)", [tf.label, v])
}


# Aurora instances take storage, backup and protection settings from their cluster.
_aurora_member if {
	input.type == "aws_db_instance"
	startswith(tf.value(["engine"], ""), "aurora")
}
