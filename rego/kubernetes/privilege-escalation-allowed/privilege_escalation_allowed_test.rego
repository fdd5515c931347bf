package compliance.rules.kubernetes.privilege_escalation_allowed_test

import rego.v1

import data.compliance.rules.kubernetes.privilege_escalation_allowed

test_fail_not_set if {
	privilege_escalation_allowed.deny == {{
		"msg": `container "app" allows privilege escalation (allowPrivilegeEscalation not set)`,
		"path": ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"runAsNonRoot": true}}]}}
}

test_fail_every_container_set_true if {
	privilege_escalation_allowed.deny == {
		{
			"msg": `initContainer "init" allows privilege escalation (securityContext.allowPrivilegeEscalation: true)`,
			"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "allowPrivilegeEscalation"],
		},
		{
			"msg": `container "b" allows privilege escalation (securityContext.allowPrivilegeEscalation: true)`,
			"path": ["spec", "template", "spec", "containers", 1, "securityContext", "allowPrivilegeEscalation"],
		},
	} with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {"allowPrivilegeEscalation": true}}],
		"containers": [
			{"name": "a", "securityContext": {"allowPrivilegeEscalation": false}},
			{"name": "b", "securityContext": {"allowPrivilegeEscalation": true}},
		],
	}}}}
}

test_fail_ephemeral_container_null if {
	privilege_escalation_allowed.deny == {{
		"msg": `ephemeralContainer "debug" allows privilege escalation (allowPrivilegeEscalation not set)`,
		"path": ["spec", "ephemeralContainers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "securityContext": {"allowPrivilegeEscalation": false}}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"allowPrivilegeEscalation": null}}],
	}}
}

test_fail_cronjob if {
	privilege_escalation_allowed.deny == {{
		"msg": `container "job" allows privilege escalation (allowPrivilegeEscalation not set)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}}}
}

test_success_set_false if {
	privilege_escalation_allowed.deny == set() with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {"allowPrivilegeEscalation": false}}],
		"containers": [{"name": "app", "securityContext": {"allowPrivilegeEscalation": false}}],
	}}}}
}

test_success_not_a_workload if {
	privilege_escalation_allowed.deny == set() with input as {"kind": "ConfigMap", "data": {}}
}

test_success_windows_pod_skipped if {
	# The API forbids this Linux-only securityContext field when spec.os.name is windows.
	privilege_escalation_allowed.deny == set() with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}]}}
}
