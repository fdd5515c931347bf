package compliance.rules.kubernetes.capabilities_not_dropped_test

import rego.v1

import data.compliance.rules.kubernetes.capabilities_not_dropped

test_fail_not_set if {
	capabilities_not_dropped.deny == {{
		"msg": `container "app" does not drop all capabilities (securityContext.capabilities.drop not set)`,
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}}]}}
}

test_fail_drop_list_without_all if {
	capabilities_not_dropped.deny == {
		{
			"msg": `container "a" does not drop all capabilities (securityContext.capabilities.drop: ["NET_RAW", "SYS_ADMIN"])`,
			"path": ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "drop"],
		},
		{
			"msg": `initContainer "init" does not drop all capabilities (securityContext.capabilities.drop: [])`,
			"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "capabilities", "drop"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {"capabilities": {"drop": []}}}],
		"containers": [
			{"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW", "SYS_ADMIN"]}}},
			{"name": "b", "securityContext": {"capabilities": {"drop": ["ALL"]}}},
		],
	}}}}
}

test_fail_cronjob_and_ephemeral_shapes if {
	capabilities_not_dropped.deny == {{
		"msg": `container "job" does not drop all capabilities (securityContext.capabilities.drop not set)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "drop"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}}}

	capabilities_not_dropped.deny == {{
		"msg": `ephemeralContainer "debug" does not drop all capabilities (securityContext.capabilities.drop not set)`,
		"path": ["spec", "ephemeralContainers", 0, "securityContext", "capabilities", "drop"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"capabilities": {"drop": null}}}],
	}}
}

test_success_drop_all_any_case if {
	capabilities_not_dropped.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}},
		{"name": "b", "securityContext": {"capabilities": {"drop": ["all"]}}},
		{"name": "c", "securityContext": {"capabilities": {"drop": ["NET_RAW", "All"], "add": ["NET_BIND_SERVICE"]}}},
	]}}
}

test_success_not_a_workload if {
	capabilities_not_dropped.deny == set() with input as {"kind": "Secret", "data": {}}
}

test_success_windows_pod_skipped if {
	# The API forbids this Linux-only securityContext field when spec.os.name is windows.
	capabilities_not_dropped.deny == set() with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}]}}
}
