# METADATA
# title: KMS key policy grants kms:* beyond the account root
# description: A key policy gives full control of the key (kms:* or *) to a principal other than the account root, so that principal can use, re-grant, disable or schedule deletion of the key.
# custom:
#   id: AWS-012
#   severity: high
#   remediation: Grant kms:* only to arn:aws:iam::<account>:root and give roles the specific actions they need (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*).
#   applies_to:
#     family: terraform
#     types: [aws_kms_key, aws_kms_key_policy]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#     - https://docs.aws.amazon.com/kms/latest/developerguide/least-privilege.html
package compliance.rules.terraform.kms_key_policy_wildcard

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "policy"]} if {
	doc := tf.policy_document(input.values.policy)
	some s in tf.statements(doc)
	s.Effect == "Allow"
	some action in tf.as_set(s.Action)
	action in {"*", "kms:*"}
	some principal in _principals(s.Principal)
	not regex.match(`^arn:aws[a-z-]*:iam::[0-9]{12}:root$|^[0-9]{12}$`, principal)
	msg := sprintf("%s policy grants %q to %q", [tf.label, action, principal])
}

_principals(p) := {"*"} if p == "*"

else := tf.as_set(p.AWS) if is_object(p)

else := set()
