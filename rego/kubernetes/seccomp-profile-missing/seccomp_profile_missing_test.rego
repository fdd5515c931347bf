package compliance.rules.kubernetes.seccomp_profile_missing_test

import rego.v1

import data.compliance.rules.kubernetes.seccomp_profile_missing

test_fail_not_set if {
	seccomp_profile_missing.deny == {{
		"msg": `container "app" has no seccomp profile (seccompProfile not set on container or pod)`,
		"path": ["spec", "containers", 0, "securityContext", "seccompProfile", "type"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_fail_pod_level_unconfined_every_container if {
	seccomp_profile_missing.deny == {
		{
			"msg": `initContainer "init" runs seccomp unconfined (pod securityContext.seccompProfile.type: Unconfined)`,
			"path": ["spec", "template", "spec", "securityContext", "seccompProfile", "type"],
		},
		{
			"msg": `container "a" runs seccomp unconfined (pod securityContext.seccompProfile.type: Unconfined)`,
			"path": ["spec", "template", "spec", "securityContext", "seccompProfile", "type"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"seccompProfile": {"type": "Unconfined"}},
		"initContainers": [{"name": "init"}],
		"containers": [
			{"name": "a"},
			{"name": "b", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
		],
	}}}}
}

test_fail_container_unconfined_overrides_pod if {
	seccomp_profile_missing.deny == {{
		"msg": `container "job" runs seccomp unconfined (securityContext.seccompProfile.type: Unconfined)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "seccompProfile", "type"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"containers": [{"name": "job", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}],
	}}}}}}
}

test_fail_type_missing_or_unknown if {
	seccomp_profile_missing.deny == {
		{
			"msg": `container "app" has no seccomp profile type (pod securityContext.seccompProfile.type not set)`,
			"path": ["spec", "securityContext", "seccompProfile", "type"],
		},
		{
			"msg": `ephemeralContainer "debug" has an unknown seccomp profile type (securityContext.seccompProfile.type: Default)`,
			"path": ["spec", "ephemeralContainers", 0, "securityContext", "seccompProfile", "type"],
		},
	} with input as {"kind": "Pod", "spec": {
		"securityContext": {"seccompProfile": {}},
		"containers": [{"name": "app"}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"seccompProfile": {"type": "Default"}}}],
	}}
}

test_success_pod_level_runtime_default if {
	seccomp_profile_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "a"}, {"name": "b"}],
	}}
}

test_success_container_localhost_overrides_pod_unconfined if {
	seccomp_profile_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"securityContext": {"seccompProfile": {"type": "Unconfined"}},
		"containers": [{"name": "app", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/app.json"}}}],
	}}
}

test_success_windows_pod_skipped if {
	# The API forbids this Linux-only securityContext field when spec.os.name is windows.
	seccomp_profile_missing.deny == set() with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "mcr.microsoft.com/windows/servercore:ltsc2022"}]}}
}
