package compliance.rules.terraform.s3_audit_bucket_object_lock_test

import rego.v1

import data.compliance.rules.terraform.s3_audit_bucket_object_lock

_params := {"audit_tag": "Purpose", "audit_values": ["audit-logs"], "min_days": 2555}

_bucket := {"address": "aws_s3_bucket.audit", "type": "aws_s3_bucket", "name": "audit", "values": {"bucket": "acme-audit", "object_lock_enabled": true, "tags": {"Purpose": "audit-logs"}}}

_lock(mode, years) := {"type": "aws_s3_bucket_object_lock_configuration", "references": {"bucket": ["aws_s3_bucket.audit"]}, "values": {"rule": [{"default_retention": [{"mode": mode, "years": years, "days": null}]}]}}

test_fail_no_lock if {
	s3_audit_bucket_object_lock.deny == {{
		"msg": `aws_s3_bucket "audit" stores audit logs without Object Lock in COMPLIANCE mode for at least 2555 days (no default retention)`,
		"path": ["values", "object_lock_configuration"],
	}} with input as _bucket with data.compliance.inventory as [_bucket] with data.compliance.params as _params
}

test_fail_governance_mode if {
	s3_audit_bucket_object_lock.deny == {{
		"msg": `aws_s3_bucket "audit" stores audit logs without Object Lock in COMPLIANCE mode for at least 2555 days (GOVERNANCE for 2555 days)`,
		"path": ["values", "object_lock_configuration"],
	}} with input as _bucket with data.compliance.inventory as [_bucket, _lock("GOVERNANCE", 7)] with data.compliance.params as _params
}

test_fail_one_year if {
	count(s3_audit_bucket_object_lock.deny) == 1 with input as _bucket with data.compliance.inventory as [_bucket, _lock("COMPLIANCE", 1)] with data.compliance.params as _params
}

test_success_compliance_seven_years if {
	s3_audit_bucket_object_lock.deny == set() with input as _bucket with data.compliance.inventory as [_bucket, _lock("COMPLIANCE", 7)] with data.compliance.params as _params
}

test_success_not_audit_bucket if {
	bucket := object.union(_bucket, {"values": {"tags": {"Purpose": "web"}}})
	s3_audit_bucket_object_lock.deny == set() with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}
