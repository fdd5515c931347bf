package compliance.rules.terraform.rds_backup_retention_short_test

import rego.v1

import data.compliance.rules.terraform.rds_backup_retention_short

test_fail_zero if {
	rds_backup_retention_short.deny == {{
		"msg": `aws_db_instance "x" keeps automated backups for 0 day(s)`,
		"path": ["values", "backup_retention_period"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"backup_retention_period": 0}}
		with data.compliance.params as {"min_days": 7}
}

test_fail_unset_defaults_to_one if {
	rds_backup_retention_short.deny == {{
		"msg": `aws_rds_cluster "x" keeps automated backups for 1 day(s)`,
		"path": ["values", "backup_retention_period"],
	}} with input as {"type": "aws_rds_cluster", "name": "x", "values": {}}
		with data.compliance.params as {"min_days": 7}
}

test_success_seven if {
	rds_backup_retention_short.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"backup_retention_period": 7}}
		with data.compliance.params as {"min_days": 7}
}

test_success_thirty_five if {
	rds_backup_retention_short.deny == set() with input as {"type": "aws_rds_cluster", "name": "x", "values": {"backup_retention_period": 35}}
		with data.compliance.params as {"min_days": 7}
}

test_success_unknown if {
	rds_backup_retention_short.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {}, "after_unknown": {"backup_retention_period": true}}
		with data.compliance.params as {"min_days": 7}
}
