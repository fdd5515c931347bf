package compliance.rules.terraform.rds_storage_unencrypted_test

import rego.v1

import data.compliance.rules.terraform.rds_storage_unencrypted

test_fail_instance_unencrypted if {
	rds_storage_unencrypted.deny == {{
		"msg": `aws_db_instance "x" stores data unencrypted (storage_encrypted: false)`,
		"path": ["values", "storage_encrypted"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "postgres", "storage_encrypted": false}}
}

test_fail_cluster_not_set if {
	rds_storage_unencrypted.deny == {{
		"msg": `aws_rds_cluster "x" stores data unencrypted (storage_encrypted: false)`,
		"path": ["values", "storage_encrypted"],
	}} with input as {"type": "aws_rds_cluster", "name": "x", "values": {"engine": "aurora-postgresql"}}
}

test_success_encrypted if {
	rds_storage_unencrypted.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"storage_encrypted": true}}
}

test_success_aurora_instance_uses_cluster if {
	rds_storage_unencrypted.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "aurora-mysql"}}
}

test_success_unknown if {
	rds_storage_unencrypted.deny == set() with input as {"type": "aws_rds_cluster", "name": "x", "values": {}, "after_unknown": {"storage_encrypted": true}}
}
