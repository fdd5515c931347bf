# METADATA
# title: IAM user with an inline policy
# description: Permissions are attached directly to an IAM user as an inline policy, where they escape group- and role-based review.
# custom:
#   id: AWS-071
#   severity: low
#   remediation: Grant permissions through groups or, better, roles assumed via SSO; replace aws_iam_user_policy with a managed policy attached to a group.
#   applies_to:
#     family: terraform
#     types: [aws_iam_user_policy]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html
package compliance.rules.terraform.iam_user_inline_policy

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": []} if {
	input.type == "aws_iam_user_policy"
	user := tf.value(["user"], "(known after apply)")
	msg := sprintf("%s attaches an inline policy to IAM user %q", [tf.label, user])
}
