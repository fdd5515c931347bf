# METADATA
# title: IAM access key created in Terraform
# description: A long-lived IAM access key is created by Terraform, so its secret ends up in the Terraform state (and often in outputs or CI logs).
# custom:
#   id: AWS-072
#   severity: high
#   remediation: Use roles (IRSA, EC2 instance profiles, OIDC federation for CI) instead of access keys; if a key is unavoidable, create it outside Terraform and rotate it.
#   applies_to:
#     family: terraform
#     types: [aws_iam_access_key]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html
#     - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key
package compliance.rules.terraform.iam_access_key_in_code

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": []} if {
	input.type == "aws_iam_access_key"
	user := tf.value(["user"], "(known after apply)")
	msg := sprintf("%s creates a long-lived access key for IAM user %q", [tf.label, user])
}
