# METADATA
# title: RDS instance publicly accessible
# description: A database instance gets a public IP address and DNS name, so it can be reached from the internet wherever its security group allows.
# custom:
#   id: AWS-021
#   severity: critical
#   remediation: Set publicly_accessible = false and reach the database from inside the VPC (bastion, VPN, SSM port forwarding).
#   applies_to:
#     family: terraform
#     types: [aws_db_instance]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
package compliance.rules.terraform.rds_publicly_accessible

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["publicly_accessible"])} if {
	tf.known(["publicly_accessible"])
	v := tf.value(["publicly_accessible"], false)
	v == true
	msg := sprintf("%s is reachable from the internet (publicly_accessible: %v)", [tf.label, v])
}
