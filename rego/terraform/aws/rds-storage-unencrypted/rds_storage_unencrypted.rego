# METADATA
# title: RDS storage not encrypted
# description: A database's storage, automated backups, replicas and snapshots are kept unencrypted.
# custom:
#   id: AWS-020
#   severity: high
#   remediation: Set storage_encrypted = true (with kms_key_id for a customer managed key); an existing database must be restored from an encrypted snapshot copy.
#   applies_to:
#     family: terraform
#     types: [aws_db_instance, aws_rds_cluster]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html
package compliance.rules.terraform.rds_storage_unencrypted

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["storage_encrypted"])} if {
	not _aurora_member
	tf.known(["storage_encrypted"])
	v := tf.value(["storage_encrypted"], false)
	v != true
	msg := sprintf("%s stores data unencrypted (storage_encrypted: %v)", [tf.label, v])
}


# Aurora instances take storage, backup and protection settings from their cluster.
_aurora_member if {
	input.type == "aws_db_instance"
	startswith(tf.value(["engine"], ""), "aurora")
}
