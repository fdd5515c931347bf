package compliance.rules.kubernetes.writable_root_filesystem_test

import rego.v1

import data.compliance.rules.kubernetes.writable_root_filesystem

test_fail_not_set if {
	writable_root_filesystem.deny == {{
		"msg": `container "app" has a writable root filesystem (readOnlyRootFilesystem not set)`,
		"path": ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_fail_every_container if {
	writable_root_filesystem.deny == {
		{
			"msg": `container "a" has a writable root filesystem (securityContext.readOnlyRootFilesystem: false)`,
			"path": ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
		},
		{
			"msg": `initContainer "init" has a writable root filesystem (readOnlyRootFilesystem not set)`,
			"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "readOnlyRootFilesystem"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {}}],
		"containers": [
			{"name": "a", "securityContext": {"readOnlyRootFilesystem": false}},
			{"name": "b", "securityContext": {"readOnlyRootFilesystem": true}},
		],
	}}}}
}

test_fail_cronjob if {
	writable_root_filesystem.deny == {{
		"msg": `container "job" has a writable root filesystem (securityContext.readOnlyRootFilesystem: false)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job", "securityContext": {"readOnlyRootFilesystem": false}}],
	}}}}}}
}

test_fail_ephemeral_container if {
	writable_root_filesystem.deny == {{
		"msg": `ephemeralContainer "debug" has a writable root filesystem (readOnlyRootFilesystem not set)`,
		"path": ["spec", "ephemeralContainers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}

test_success_read_only if {
	writable_root_filesystem.deny == set() with input as {"kind": "Job", "spec": {"template": {"spec": {
		"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}],
	}}}}
}

test_fail_pod_level_key_not_inherited if {
	# readOnlyRootFilesystem exists only on containers; a stray pod-level key changes nothing.
	writable_root_filesystem.deny == {{
		"msg": `container "app" has a writable root filesystem (readOnlyRootFilesystem not set)`,
		"path": ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as {"kind": "Pod", "spec": {
		"securityContext": {"readOnlyRootFilesystem": true},
		"containers": [{"name": "app"}],
	}}
}

test_success_windows_pod_skipped if {
	# The API forbids this Linux-only securityContext field when spec.os.name is windows.
	writable_root_filesystem.deny == set() with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}]}}
}
