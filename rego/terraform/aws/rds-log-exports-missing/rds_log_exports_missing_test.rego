package compliance.rules.terraform.rds_log_exports_missing_test

import rego.v1

import data.compliance.rules.terraform.rds_log_exports_missing

test_fail_none if {
	rds_log_exports_missing.deny == {{
		"msg": `aws_db_instance "x" exports no logs to CloudWatch (enabled_cloudwatch_logs_exports: [])`,
		"path": ["values", "enabled_cloudwatch_logs_exports"],
	}} with input as {"type": "aws_db_instance", "name": "x", "values": {"engine": "postgres", "enabled_cloudwatch_logs_exports": []}}
}

test_success_postgres_logs if {
	rds_log_exports_missing.deny == set() with input as {"type": "aws_db_instance", "name": "x", "values": {"enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"]}}
}

test_success_unknown if {
	rds_log_exports_missing.deny == set() with input as {"type": "aws_rds_cluster", "name": "x", "values": {}, "after_unknown": {"enabled_cloudwatch_logs_exports": true}}
}
