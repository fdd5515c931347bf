package compliance.rules.kubernetes.memory_limit_missing_test

import rego.v1

import data.compliance.rules.kubernetes.memory_limit_missing

test_fail_no_resources if {
	memory_limit_missing.deny == {{
		"msg": `container "app" has no memory limit`,
		"path": ["spec", "containers", 0, "resources", "limits", "memory"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_fail_every_container if {
	memory_limit_missing.deny == {
		{
			"msg": `initContainer "init" has no memory limit`,
			"path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "memory"],
		},
		{
			"msg": `container "a" has no memory limit`,
			"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
		},
		{
			"msg": `container "c" has no memory limit`,
			"path": ["spec", "template", "spec", "containers", 2, "resources", "limits", "memory"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "resources": {"requests": {"memory": "256Mi"}}}],
		"containers": [
			{"name": "a", "resources": {"limits": {"cpu": "500m"}}},
			{"name": "b", "resources": {"limits": {"memory": "256Mi"}}},
			{"name": "c", "resources": {"limits": {"memory": null}}},
		],
	}}}}
}

test_fail_cronjob if {
	memory_limit_missing.deny == {{
		"msg": `container "job" has no memory limit`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job", "resources": {"limits": {}}}],
	}}}}}}
}

test_success_limit_set if {
	memory_limit_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "init", "resources": {"limits": {"memory": "256Mi"}}}],
		"containers": [{"name": "app", "resources": {"limits": {"memory": "256Mi"}}}],
	}}
}

test_success_ephemeral_containers_ignored if {
	# Ephemeral containers may not set resources, so they are not checked.
	memory_limit_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "resources": {"limits": {"memory": "256Mi"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}
