package compliance.rules.terraform.secretsmanager_rotation_missing_test

import rego.v1

import data.compliance.rules.terraform.secretsmanager_rotation_missing

_secret := {"address": "aws_secretsmanager_secret.db", "type": "aws_secretsmanager_secret", "name": "db", "values": {"name": "prod/db"}}

test_fail_no_rotation if {
	secretsmanager_rotation_missing.deny == {{"msg": `aws_secretsmanager_secret "db" has no aws_secretsmanager_secret_rotation`, "path": []}}
		with input as _secret with data.compliance.inventory as [_secret]
}

test_success_rotation if {
	rotation := {"type": "aws_secretsmanager_secret_rotation", "references": {"secret_id": ["aws_secretsmanager_secret.db"]}}
	secretsmanager_rotation_missing.deny == set() with input as _secret with data.compliance.inventory as [_secret, rotation]
}
