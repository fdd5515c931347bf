# METADATA
# title: RDS deletion protection off
# description: A database can be deleted by one API call or one terraform destroy, with no safety catch.
# custom:
#   id: AWS-024
#   severity: medium
#   remediation: Set deletion_protection = true.
#   applies_to:
#     family: terraform
#     types: [aws_db_instance, aws_rds_cluster]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection
package compliance.rules.terraform.rds_deletion_protection_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["deletion_protection"])} if {
	tf.known(["deletion_protection"])
	v := tf.value(["deletion_protection"], false)
	v != true
	msg := sprintf("%s can be deleted without a safety catch (deletion_protection: %v)", [tf.label, v])
}
