package compliance.rules.kubernetes.cpu_request_missing_test

import rego.v1

import data.compliance.rules.kubernetes.cpu_request_missing

test_fail_no_request if {
	cpu_request_missing.deny == {
		{"msg": `initContainer "init" has no CPU request`, "path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "resources", "requests", "cpu"]},
		{"msg": `container "a" has no CPU request`, "path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"]},
	} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "resources": {"limits": {"memory": "64Mi"}}}],
		"containers": [
			{"name": "a", "resources": {"requests": {"memory": "128Mi", "cpu": null}}},
			{"name": "b", "resources": {"requests": {"cpu": "100m"}}},
		],
	}}}}}}
}

test_success_limit_implies_request if {
	cpu_request_missing.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "resources": {"limits": {"cpu": "500m"}}},
		{"name": "b", "resources": {"requests": {"cpu": "250m"}}},
	]}}
}

test_success_ephemeral_containers_ignored if {
	cpu_request_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "a", "resources": {"requests": {"cpu": "250m"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}
