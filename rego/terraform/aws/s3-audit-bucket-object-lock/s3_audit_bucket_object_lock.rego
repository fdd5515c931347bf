# METADATA
# title: Audit log bucket without compliance-mode Object Lock
# description: A bucket that stores audit logs can have its objects deleted or overwritten before the retention period ends, because it lacks Object Lock in compliance mode with a long enough default retention.
# custom:
#   id: AWS-008
#   severity: high
#   remediation: Create the bucket with object_lock_enabled = true and add an aws_s3_bucket_object_lock_configuration with default_retention { mode = "COMPLIANCE", years = 7 }.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params:
#     audit_tag: "Purpose"
#     audit_values: ["audit-logs", "audit", "cloudtrail"]
#     min_days: 2555
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
package compliance.rules.terraform.s3_audit_bucket_object_lock

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: Object Lock may be a separate resource (provider v4+).
deny contains {"msg": msg, "path": ["values", "object_lock_configuration"]} if {
	_audit_bucket
	not tf.unknown(["object_lock_configuration"])
	not _locked_enough
	msg := sprintf("%s stores audit logs without Object Lock in COMPLIANCE mode for at least %d days (%s)", [tf.label, data.compliance.params.min_days, _found])
}

_audit_bucket if lower(tf.tag(data.compliance.params.audit_tag)) in {lower(v) | some v in data.compliance.params.audit_values}

# Default retentions, inline (provider v3) or in a joined aws_s3_bucket_object_lock_configuration.
_retentions contains r if {
	some config in tf.array_at(input.values, "object_lock_configuration")
	some rule in tf.array_at(config, "rule")
	some r in tf.array_at(rule, "default_retention")
}

_retentions contains r if {
	some lock in tf.related(data.compliance.inventory, "aws_s3_bucket_object_lock_configuration", "bucket", tf.value(["bucket"], null))
	some rule in tf.array_at(lock, ["values", "rule"])
	some r in tf.array_at(rule, "default_retention")
}

_days(r) := r.days if is_number(r.days)

else := r.years * 365 if is_number(r.years)

else := 0

_locked_enough if {
	some r in _retentions
	r.mode == "COMPLIANCE"
	_days(r) >= data.compliance.params.min_days
}

_found := "no default retention" if count(_retentions) == 0

else := concat(", ", sort([sprintf("%s for %d days", [r.mode, _days(r)]) | some r in _retentions]))
