package compliance.rules.kubernetes.ephemeral_storage_limit_missing_test

import rego.v1

import data.compliance.rules.kubernetes.ephemeral_storage_limit_missing

test_fail_no_limit if {
	ephemeral_storage_limit_missing.deny == {
		{"msg": `initContainer "init" has no ephemeral-storage limit`, "path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "ephemeral-storage"]},
		{"msg": `container "a" has no ephemeral-storage limit`, "path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "ephemeral-storage"]},
	} with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init"}],
		"containers": [
			{"name": "a", "resources": {"requests": {"ephemeral-storage": "1Gi"}, "limits": {"memory": "256Mi"}}},
			{"name": "b", "resources": {"limits": {"ephemeral-storage": "2Gi"}}},
		],
		"volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}],
	}}}}
}

test_success_limit_set if {
	ephemeral_storage_limit_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "a", "resources": {"limits": {"ephemeral-storage": "1Gi"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}
