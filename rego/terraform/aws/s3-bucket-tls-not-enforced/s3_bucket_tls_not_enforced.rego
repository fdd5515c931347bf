# METADATA
# title: S3 bucket policy does not deny plain HTTP
# description: No bucket policy denies requests made without TLS, so clients can read and write objects over unencrypted HTTP.
# custom:
#   id: AWS-007
#   severity: medium
#   remediation: Add a bucket policy statement with Effect Deny, Principal "*", Action "s3:*" on the bucket and its objects, Condition Bool aws:SecureTransport = "false".
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
#     - https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule
package compliance.rules.terraform.s3_bucket_tls_not_enforced

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: the policy is usually a separate aws_s3_bucket_policy.
deny contains {"msg": msg, "path": ["values", "policy"]} if {
	not tf.unknown(["policy"])
	not _policy_unknown
	not _denies_http(tf.value(["policy"], null))
	not _separate_denies_http
	msg := sprintf("%s has no policy statement denying requests without TLS (aws:SecureTransport false)", [tf.label])
}

_policies contains r if {
	some r in tf.related(data.compliance.inventory, "aws_s3_bucket_policy", "bucket", tf.value(["bucket"], null))
}

_policy_unknown if {
	some r in _policies
	object.get(r, ["after_unknown", "policy"], false) == true
}

_separate_denies_http if {
	some r in _policies
	_denies_http(r.values.policy)
}

_denies_http(policy) if {
	some s in tf.statements(tf.policy_document(policy))
	s.Effect == "Deny"
	some value in tf.as_set(s.Condition.Bool["aws:SecureTransport"])
	lower(sprintf("%v", [value])) == "false"
}
