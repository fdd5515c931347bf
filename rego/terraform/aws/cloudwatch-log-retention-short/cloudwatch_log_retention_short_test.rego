package compliance.rules.terraform.cloudwatch_log_retention_short_test

import rego.v1

import data.compliance.rules.terraform.cloudwatch_log_retention_short

_params := {"min_days": 365, "audit_min_days": 2557, "audit_name_pattern": "(?i)(audit|cloudtrail)"}

test_fail_thirty_days if {
	cloudwatch_log_retention_short.deny == {{
		"msg": `aws_cloudwatch_log_group "app" keeps events 30 days (minimum 365 for application log groups)`,
		"path": ["values", "retention_in_days"],
	}} with input as {"type": "aws_cloudwatch_log_group", "name": "app", "values": {"name": "/payments/api", "retention_in_days": 30}}
		with data.compliance.params as _params
}

test_fail_audit_group_one_year if {
	cloudwatch_log_retention_short.deny == {{
		"msg": `aws_cloudwatch_log_group "trail" keeps events 365 days (minimum 2557 for audit log groups)`,
		"path": ["values", "retention_in_days"],
	}} with input as {"type": "aws_cloudwatch_log_group", "name": "trail", "values": {"name": "/aws/cloudtrail/org", "retention_in_days": 365}}
		with data.compliance.params as _params
}

test_fail_audit_by_tag if {
	count(cloudwatch_log_retention_short.deny) == 1 with input as {"type": "aws_cloudwatch_log_group", "name": "x", "values": {"name": "/x", "retention_in_days": 400, "tags": {"purpose": "Audit"}}}
		with data.compliance.params as _params
}

test_success_one_year if {
	cloudwatch_log_retention_short.deny == set() with input as {"type": "aws_cloudwatch_log_group", "name": "app", "values": {"name": "/payments/api", "retention_in_days": 365}}
		with data.compliance.params as _params
}

test_success_never_expire if {
	cloudwatch_log_retention_short.deny == set() with input as {"type": "aws_cloudwatch_log_group", "name": "app", "values": {"name": "/aws/cloudtrail/x", "retention_in_days": 0}}
		with data.compliance.params as _params
}
