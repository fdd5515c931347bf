package compliance.rules.kubernetes.run_as_root_test

import rego.v1

import data.compliance.rules.kubernetes.run_as_root

test_fail_run_as_non_root_not_set if {
	run_as_root.deny == {{
		"msg": `container "app" may run as root (runAsNonRoot not set on container or pod)`,
		"path": ["spec", "containers", 0, "securityContext", "runAsNonRoot"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"runAsUser": 1000}}]}}
}

test_fail_pod_level_run_as_user_zero_every_container if {
	run_as_root.deny == {
		{
			"msg": `container "a" runs as root (pod securityContext.runAsUser: 0)`,
			"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
		},
		{
			"msg": `container "b" runs as root (pod securityContext.runAsUser: 0)`,
			"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": true, "runAsUser": 0},
		"containers": [{"name": "a"}, {"name": "b"}, {"name": "c", "securityContext": {"runAsUser": 1000}}],
	}}}}
}

test_fail_container_overrides_pod_run_as_non_root if {
	run_as_root.deny == {{
		"msg": `container "b" may run as root (securityContext.runAsNonRoot: false)`,
		"path": ["spec", "containers", 1, "securityContext", "runAsNonRoot"],
	}} with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsNonRoot": false}}],
	}}
}

test_fail_pod_level_run_as_non_root_false if {
	run_as_root.deny == {{
		"msg": `container "job" may run as root (pod securityContext.runAsNonRoot: false)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "runAsNonRoot"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": false},
		"containers": [{"name": "job"}],
	}}}}}}
}

test_fail_init_container_root_group if {
	run_as_root.deny == {{
		"msg": `initContainer "init" runs with the root group (securityContext.runAsGroup: 0)`,
		"path": ["spec", "initContainers", 0, "securityContext", "runAsGroup"],
	}} with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "runAsGroup": 1000},
		"initContainers": [{"name": "init", "securityContext": {"runAsGroup": 0}}],
		"containers": [{"name": "app"}],
	}}
}

test_fail_one_result_per_cause if {
	run_as_root.deny == {
		{
			"msg": `ephemeralContainer "debug" may run as root (securityContext.runAsNonRoot: false)`,
			"path": ["spec", "ephemeralContainers", 0, "securityContext", "runAsNonRoot"],
		},
		{
			"msg": `ephemeralContainer "debug" runs as root (securityContext.runAsUser: 0)`,
			"path": ["spec", "ephemeralContainers", 0, "securityContext", "runAsUser"],
		},
		{
			"msg": `ephemeralContainer "debug" runs with the root group (pod securityContext.runAsGroup: 0)`,
			"path": ["spec", "securityContext", "runAsGroup"],
		},
	} with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true, "runAsGroup": 0},
		"containers": [{"name": "app", "securityContext": {"runAsGroup": 1000}}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"runAsNonRoot": false, "runAsUser": 0}}],
	}}
}

test_success_pod_level_run_as_non_root if {
	run_as_root.deny == set() with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"runAsNonRoot": true},
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "a"}, {"name": "b"}],
	}}}}
}

test_success_container_level_settings if {
	run_as_root.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{
		"name": "app",
		"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001},
	}]}}
}

test_success_container_overrides_pod_root_user if {
	run_as_root.deny == set() with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true, "runAsUser": 0, "runAsGroup": 0},
		"containers": [{"name": "app", "securityContext": {"runAsUser": 1000, "runAsGroup": 1000}}],
	}}
}
