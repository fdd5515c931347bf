# METADATA
# title: RDS IAM database authentication off
# description: A MySQL or PostgreSQL database accepts only passwords, so access cannot be tied to IAM identities, short-lived tokens and CloudTrail.
# custom:
#   id: AWS-025
#   severity: low
#   remediation: Set iam_database_authentication_enabled = true and grant rds_iam (PostgreSQL) or AWSAuthenticationPlugin (MySQL) to application users.
#   applies_to:
#     family: terraform
#     types: [aws_db_instance, aws_rds_cluster]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html
package compliance.rules.terraform.rds_iam_auth_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["iam_database_authentication_enabled"])} if {
	regex.match(`^(mysql|postgres|mariadb|aurora)`, tf.value(["engine"], "aurora"))
	not _aurora_member
	tf.known(["iam_database_authentication_enabled"])
	v := tf.value(["iam_database_authentication_enabled"], false)
	v != true
	msg := sprintf("%s allows password logins only (iam_database_authentication_enabled: %v)", [tf.label, v])
}


# Aurora instances take storage, backup and protection settings from their cluster.
_aurora_member if {
	input.type == "aws_db_instance"
	startswith(tf.value(["engine"], ""), "aurora")
}
