package compliance.rules.kubernetes.secret_literal_in_env_test

import rego.v1

import data.compliance.rules.kubernetes.secret_literal_in_env

test_fail_literal_secrets if {
	secret_literal_in_env.deny == {
		{"msg": `container "api" sets env DB_PASSWORD to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 0, "value"]},
		{"msg": `container "api" sets env STRIPE_API_KEY to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 1, "value"]},
		{"msg": `container "api" sets env github-token to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 2, "value"]},
		{"msg": `container "api" sets env AWS_SECRET_ACCESS_KEY to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 3, "value"]},
		{"msg": `initContainer "migrate" sets env PGPASSWORD to a literal value`, "path": ["spec", "template", "spec", "initContainers", 0, "env", 1, "value"]},
		{"msg": `container "api" sets env jwt.signing.key to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 4, "value"]},
		{"msg": `container "api" sets env OAUTH_CLIENT_SECRET to a literal value`, "path": ["spec", "template", "spec", "containers", 0, "env", 5, "value"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "migrate", "env": [{"name": "PGHOST", "value": "db"}, {"name": "PGPASSWORD", "value": "y"}]}],
		"containers": [{"name": "api", "env": [
			{"name": "DB_PASSWORD", "value": "hunter2"},
			{"name": "STRIPE_API_KEY", "value": "sk_live_abc"},
			{"name": "github-token", "value": "ghp_abc"},
			{"name": "AWS_SECRET_ACCESS_KEY", "value": "abc/def"},
			{"name": "jwt.signing.key", "value": "k"},
			{"name": "OAUTH_CLIENT_SECRET", "value": "s"},
		]}],
	}}}}
}

test_fail_placeholder_and_numeric_values if {
	secret_literal_in_env.deny == {
		{"msg": `container "a" sets env HF_TOKEN to a literal value`, "path": ["spec", "containers", 0, "env", 0, "value"]},
		{"msg": `container "a" sets env DB_PASSWORD to a literal value`, "path": ["spec", "containers", 0, "env", 1, "value"]},
	} with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": [
		{"name": "HF_TOKEN", "value": "<your-token>"},
		{"name": "DB_PASSWORD", "value": "123456"},
	]}]}}
}

test_fail_message_never_contains_the_value if {
	some finding in secret_literal_in_env.deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": [{"name": "API_TOKEN", "value": "s3cr3t-value"}]}]}}
	finding.msg == `container "a" sets env API_TOKEN to a literal value`
	not contains(finding.msg, "s3cr3t-value")
}

test_success_secret_key_ref_is_not_a_literal if {
	secret_literal_in_env.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "api", "env": [
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "payments-db", "key": "password"}}},
		{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "payments-api", "key": "token"}}},
	]}]}}
}

test_success_not_secret_looking if {
	secret_literal_in_env.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "api", "env": [
		{"name": "DB_PASSWORD_FILE", "value": "/var/run/secrets/db/password"},
		{"name": "TOKEN_URL", "value": "https://auth.example.com/token"},
		{"name": "VAULT_SECRET_PATH", "value": "secret/data/payments"},
		{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAEXAMPLE"},
		{"name": "PARTITION_KEY", "value": "user_id"},
		{"name": "KEY", "value": "x"},
		{"name": "PWD", "value": "/app"},
		{"name": "BYPASS_CACHE", "value": "1"},
		{"name": "TOKEN_TTL", "value": "3600"},
		{"name": "SECRET_NAME", "value": "payments-db"},
		{"name": "PASSWORD", "value": ""},
		{"name": "API_TOKEN", "value": "$(API_TOKEN_FROM_SECRET)"},
		{"name": "ENABLE_TOKEN_AUTH", "value": "true"},
		{"name": "TOKEN_REFRESH_INTERVAL", "value": "300"},
		{"name": "MYSQL_ALLOW_EMPTY_PASSWORD", "value": "yes"},
		{"name": "MYSQL_RANDOM_ROOT_PASSWORD", "value": "1"},
		{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/var/secrets/google/key.json"},
	]}]}}
}
