package compliance.rules.kubernetes.cpu_limit_missing_test

import rego.v1

import data.compliance.rules.kubernetes.cpu_limit_missing

test_fail_no_resources if {
	cpu_limit_missing.deny == {{
		"msg": `container "app" has no CPU limit`,
		"path": ["spec", "containers", 0, "resources", "limits", "cpu"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_fail_every_container if {
	cpu_limit_missing.deny == {
		{
			"msg": `initContainer "init" has no CPU limit`,
			"path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "cpu"],
		},
		{
			"msg": `container "a" has no CPU limit`,
			"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"],
		},
		{
			"msg": `container "c" has no CPU limit`,
			"path": ["spec", "template", "spec", "containers", 2, "resources", "limits", "cpu"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "resources": {"requests": {"cpu": "500m"}}}],
		"containers": [
			{"name": "a", "resources": {"limits": {"memory": "256Mi"}}},
			{"name": "b", "resources": {"limits": {"cpu": "500m"}}},
			{"name": "c", "resources": {"limits": {"cpu": null}}},
		],
	}}}}
}

test_fail_cronjob if {
	cpu_limit_missing.deny == {{
		"msg": `container "job" has no CPU limit`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job", "resources": {"limits": {}}}],
	}}}}}}
}

test_success_limit_set if {
	cpu_limit_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "init", "resources": {"limits": {"cpu": "500m"}}}],
		"containers": [{"name": "app", "resources": {"limits": {"cpu": "500m"}}}],
	}}
}

test_success_ephemeral_containers_ignored if {
	# Ephemeral containers may not set resources, so they are not checked.
	cpu_limit_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "resources": {"limits": {"cpu": "500m"}}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}
