package compliance.rules.kubernetes.secret_in_env_var_test

import rego.v1

import data.compliance.rules.kubernetes.secret_in_env_var

test_fail_secret_key_ref_and_env_from if {
	secret_in_env_var.deny == {
		{"msg": `container "api" reads Secret "payments-db" key "password" into env DB_PASSWORD`, "path": ["spec", "template", "spec", "containers", 0, "env", 1, "valueFrom", "secretKeyRef"]},
		{"msg": `container "api" reads every key of Secret "payments-keys" into env (envFrom[1].secretRef)`, "path": ["spec", "template", "spec", "containers", 0, "envFrom", 1, "secretRef"]},
		{"msg": `initContainer "migrate" reads Secret "payments-db" key "url" into env DATABASE_URL`, "path": ["spec", "template", "spec", "initContainers", 0, "env", 0, "valueFrom", "secretKeyRef"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "migrate", "env": [{"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": "payments-db", "key": "url"}}}]}],
		"containers": [{
			"name": "api",
			"env": [
				{"name": "LOG_LEVEL", "value": "info"},
				{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "payments-db", "key": "password"}}},
				{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
			],
			"envFrom": [{"configMapRef": {"name": "payments-config"}}, {"secretRef": {"name": "payments-keys"}}],
		}],
	}}}}
}

test_success_secret_volume if {
	secret_in_env_var.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{
			"name": "api",
			"env": [{"name": "DB_PASSWORD_FILE", "value": "/var/run/secrets/db/password"}],
			"envFrom": [{"configMapRef": {"name": "payments-config"}}],
			"volumeMounts": [{"name": "db", "mountPath": "/var/run/secrets/db", "readOnly": true}],
		}],
		"volumes": [{"name": "db", "secret": {"secretName": "payments-db"}}],
	}}
}
