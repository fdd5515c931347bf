# METADATA
# title: CloudWatch log group retention too short
# description: "A log group deletes events before the audit retention period ends: one year for logs in general (PCI DSS 10.5.1), longer for audit logs."
# custom:
#   id: AWS-053
#   severity: medium
#   remediation: Set retention_in_days to at least 365 (or 0 to keep events forever); audit log groups to at least the audit minimum (2557 days, seven years, by default).
#   applies_to:
#     family: terraform
#     types: [aws_cloudwatch_log_group]
#   params:
#     min_days: 365
#     audit_min_days: 2557
#     audit_name_pattern: "(?i)(audit|cloudtrail)"
#   references:
#     - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
#     - https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0_1.pdf
package compliance.rules.terraform.cloudwatch_log_retention_short

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "retention_in_days"]} if {
	days := input.values.retention_in_days
	is_number(days)
	days > 0
	minimum := _minimum
	days < minimum
	msg := sprintf("%s keeps events %d days (minimum %d for %s log groups)", [tf.label, days, minimum, _kind])
}

_audit if regex.match(data.compliance.params.audit_name_pattern, tf.value(["name"], ""))

_audit if regex.match(data.compliance.params.audit_name_pattern, tf.tag("Purpose"))

_minimum := data.compliance.params.audit_min_days if _audit

else := data.compliance.params.min_days

_kind := "audit" if _audit

else := "application"
