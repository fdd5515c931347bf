package compliance.rules.kubernetes.memory_request_missing_test

import rego.v1

import data.compliance.rules.kubernetes.memory_request_missing

test_fail_no_request if {
	memory_request_missing.deny == {
		{"msg": `initContainer "init" has no memory request`, "path": ["spec", "template", "spec", "initContainers", 0, "resources", "requests", "memory"]},
		{"msg": `container "a" has no memory request`, "path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "memory"]},
		{"msg": `container "c" has no memory request`, "path": ["spec", "template", "spec", "containers", 2, "resources", "requests", "memory"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init"}],
		"containers": [
			{"name": "a", "resources": {"requests": {"cpu": "250m"}}},
			{"name": "b", "resources": {"requests": {"memory": "128Mi"}}},
			{"name": "c", "resources": {"requests": {"memory": ""}}},
		],
	}}}}
}

test_success_limit_implies_request if {
	# The API copies a limit into a missing request.
	memory_request_missing.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "resources": {"limits": {"memory": "256Mi"}}},
		{"name": "b", "resources": {"requests": {"memory": "128Mi"}, "limits": {"memory": "256Mi"}}},
	]}}
}

test_success_ephemeral_containers_ignored if {
	memory_request_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "a", "resources": {"requests": {"memory": "128Mi"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}
