# METADATA
# title: IAM policy grants wildcard or service-wide admin actions
# description: An IAM policy allows every action on every resource, or every IAM or KMS action, which amounts to administrator rights or control of all keys.
# custom:
#   id: AWS-070
#   severity: critical
#   remediation: List the specific actions and resources the principal needs; keep iam:* and kms:* out of application policies.
#   applies_to:
#     family: terraform
#     types: [aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy]
#   params:
#     admin_services: ["iam", "kms"]
#   references:
#     - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
package compliance.rules.terraform.iam_policy_wildcard

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "policy"]} if {
	some i, s in tf.statements(tf.policy_document(input.values.policy))
	s.Effect == "Allow"
	"*" in tf.as_set(s.Action)
	"*" in tf.as_set(s.Resource)
	msg := sprintf("%s statement %s allows every action (\"*\") on every resource", [tf.label, _sid(s, i)])
}

deny contains {"msg": msg, "path": ["values", "policy"]} if {
	some i, s in tf.statements(tf.policy_document(input.values.policy))
	s.Effect == "Allow"
	some action in tf.as_set(s.Action)
	some service in data.compliance.params.admin_services
	lower(action) == sprintf("%s:*", [service])
	msg := sprintf("%s statement %s allows %q", [tf.label, _sid(s, i), action])
}

_sid(s, i) := sprintf("%q", [s.Sid]) if is_string(s.Sid)

else := sprintf("#%d", [i])
