# METADATA
# title: S3 bucket without versioning
# description: An S3 bucket keeps no object versions, so an overwrite or delete, accidental or malicious, cannot be undone.
# custom:
#   id: AWS-002
#   severity: medium
#   remediation: Add an aws_s3_bucket_versioning resource with versioning_configuration { status = "Enabled" } (or versioning { enabled = true } on provider v3).
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
package compliance.rules.terraform.s3_bucket_versioning_disabled

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: versioning may be a separate aws_s3_bucket_versioning.
deny contains {"msg": msg, "path": path} if {
	not _inline_enabled
	not tf.unknown(["versioning"])
	not _separate_enabled
	path := _path
	msg := sprintf("%s has versioning disabled (%s)", [tf.label, _why])
}

_inline_enabled if input.values.versioning[0].enabled == true

_has_separate if count(tf.related(data.compliance.inventory, "aws_s3_bucket_versioning", "bucket", tf.value(["bucket"], null))) > 0

_separate_enabled if {
	some r in tf.related(data.compliance.inventory, "aws_s3_bucket_versioning", "bucket", tf.value(["bucket"], null))
	_status_ok(r)
}

_status_ok(r) if r.values.versioning_configuration[0].status == "Enabled"

_status_ok(r) if object.get(r, ["after_unknown", "versioning_configuration"], false) != false

_path := ["values", "versioning", 0, "enabled"] if input.values.versioning[0].enabled == false

else := ["values", "versioning"]

_why := "versioning.enabled is false" if input.values.versioning[0].enabled == false

else := "its aws_s3_bucket_versioning status is not Enabled" if _has_separate

else := "no versioning block and no aws_s3_bucket_versioning for it"
