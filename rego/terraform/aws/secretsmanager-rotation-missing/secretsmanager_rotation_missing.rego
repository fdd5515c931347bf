# METADATA
# title: Secrets Manager secret without rotation
# description: A secret has no rotation configured, so the credential it holds stays the same until someone changes it by hand.
# custom:
#   id: AWS-075
#   severity: medium
#   remediation: Add an aws_secretsmanager_secret_rotation with a rotation Lambda (or managed rotation) and rotation_rules { automatically_after_days = 30 } or stricter.
#   applies_to:
#     family: terraform
#     types: [aws_secretsmanager_secret]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html
package compliance.rules.terraform.secretsmanager_rotation_missing

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: rotation is a separate aws_secretsmanager_secret_rotation.
deny contains {"msg": msg, "path": []} if {
	count(tf.related(data.compliance.inventory, "aws_secretsmanager_secret_rotation", "secret_id", tf.value(["name"], null))) == 0
	msg := sprintf("%s has no aws_secretsmanager_secret_rotation", [tf.label])
}
