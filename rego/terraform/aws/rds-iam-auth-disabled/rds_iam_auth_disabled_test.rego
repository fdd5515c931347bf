package compliance.rules.terraform.rds_iam_auth_disabled_test

import rego.v1

import data.compliance.rules.terraform.rds_iam_auth_disabled

test_fail_postgres if {
	rds_iam_auth_disabled.deny == {{
		"msg": `aws_db_instance "x" allows password logins only (iam_database_authentication_enabled: false)`,
		"path": ["values", "iam_database_authentication_enabled"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "postgres"}}
}

test_success_enabled if {
	rds_iam_auth_disabled.deny == set() with input as {"type": "aws_rds_cluster", "name": "x", "values": {"engine": "aurora-postgresql", "iam_database_authentication_enabled": true}}
}

test_success_oracle_not_supported if {
	rds_iam_auth_disabled.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "oracle-ee"}}
}
