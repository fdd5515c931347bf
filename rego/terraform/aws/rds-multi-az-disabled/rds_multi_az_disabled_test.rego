package compliance.rules.terraform.rds_multi_az_disabled_test

import rego.v1

import data.compliance.rules.terraform.rds_multi_az_disabled

test_fail_single_az if {
	rds_multi_az_disabled.deny == {{
		"msg": `aws_db_instance "x" runs in a single availability zone (multi_az: false)`,
		"path": ["values", "multi_az"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "postgres", "multi_az": false}}
}

test_success_multi_az if {
	rds_multi_az_disabled.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"multi_az": true}}
}

test_success_aurora_instance if {
	rds_multi_az_disabled.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "aurora-postgresql"}}
}
