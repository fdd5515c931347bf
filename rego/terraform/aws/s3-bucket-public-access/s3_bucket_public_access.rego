# METADATA
# title: S3 bucket public through ACL or policy
# description: A bucket ACL or bucket policy grants access to everyone, so its objects can be read (or written) from the internet.
# custom:
#   id: AWS-004
#   severity: critical
#   remediation: Use the private ACL (or none, with object ownership BucketOwnerEnforced) and restrict the policy's Principal to named accounts or roles, or add a Condition.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket, aws_s3_bucket_acl, aws_s3_bucket_policy]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
package compliance.rules.terraform.s3_bucket_public_access

import rego.v1

import data.compliance.lib.terraform as tf

_public_acls := {"public-read", "public-read-write", "authenticated-read"}

deny contains {"msg": msg, "path": ["values", "acl"]} if {
	input.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	input.values.acl in _public_acls
	msg := sprintf("%s uses the public canned ACL %q", [tf.label, input.values.acl])
}

deny contains {"msg": msg, "path": ["values", "policy"]} if {
	input.type in {"aws_s3_bucket", "aws_s3_bucket_policy"}
	doc := tf.policy_document(input.values.policy)
	some i, s in tf.statements(doc)
	s.Effect == "Allow"
	_everyone(s.Principal)
	not s.Condition
	msg := sprintf("%s policy statement %s allows %v to everyone (Principal \"*\", no Condition)", [tf.label, _sid(s, i), sort(tf.as_set(s.Action))])
}

_everyone(p) if p == "*"

_everyone(p) if "*" in tf.as_set(p.AWS)

_sid(s, i) := sprintf("%q", [s.Sid]) if is_string(s.Sid)

else := sprintf("#%d", [i])
