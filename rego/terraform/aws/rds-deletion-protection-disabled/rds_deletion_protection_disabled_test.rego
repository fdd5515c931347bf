package compliance.rules.terraform.rds_deletion_protection_disabled_test

import rego.v1

import data.compliance.rules.terraform.rds_deletion_protection_disabled

test_fail_off if {
	rds_deletion_protection_disabled.deny == {{
		"msg": `aws_rds_cluster "x" can be deleted without a safety catch (deletion_protection: false)`,
		"path": ["values", "deletion_protection"],
	}} with input as {"type": "aws_rds_cluster", "name": "x", "values": {"deletion_protection": false}}
}

test_success_on if {
	rds_deletion_protection_disabled.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"deletion_protection": true}}
}

test_success_unknown if {
	rds_deletion_protection_disabled.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {}, "after_unknown": {"deletion_protection": true}}
}
