package compliance.rules.terraform.rds_publicly_accessible_test

import rego.v1

import data.compliance.rules.terraform.rds_publicly_accessible

test_fail_public if {
	rds_publicly_accessible.deny == {{
		"msg": `aws_db_instance "x" is reachable from the internet (publicly_accessible: true)`,
		"path": ["values", "publicly_accessible"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"publicly_accessible": true}}
}

test_success_private if {
	rds_publicly_accessible.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"publicly_accessible": false}}
}

test_success_default if {
	rds_publicly_accessible.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {}}
}
