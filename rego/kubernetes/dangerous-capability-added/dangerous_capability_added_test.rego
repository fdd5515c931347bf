package compliance.rules.kubernetes.dangerous_capability_added_test

import rego.v1

import data.compliance.rules.kubernetes.dangerous_capability_added

test_fail_sys_admin_without_privileged if {
	# SYS_ADMIN without privileged is a capability finding, not a privileged one.
	dangerous_capability_added.deny == {{
		"msg": `container "app" adds the capability SYS_ADMIN (securityContext.capabilities.add[1]: "SYS_ADMIN")`,
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "add", 1],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{
		"name": "app",
		"securityContext": {"privileged": false, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}},
	}]}}}}
}

test_fail_every_case_and_prefix if {
	dangerous_capability_added.deny == {
		{"msg": `container "a" adds the capability NET_RAW (securityContext.capabilities.add[0]: "net_raw")`, "path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 0]},
		{"msg": `container "a" adds the capability SYS_PTRACE (securityContext.capabilities.add[1]: "CAP_SYS_PTRACE")`, "path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 1]},
		{"msg": `container "b" adds the capability ALL (securityContext.capabilities.add[0]: "All")`, "path": ["spec", "containers", 1, "securityContext", "capabilities", "add", 0]},
		{"msg": `initContainer "init" adds the capability NET_ADMIN (securityContext.capabilities.add[0]: "NET_ADMIN")`, "path": ["spec", "initContainers", 0, "securityContext", "capabilities", "add", 0]},
		{"msg": `ephemeralContainer "debug" adds the capability SYS_MODULE (securityContext.capabilities.add[0]: "SYS_MODULE")`, "path": ["spec", "ephemeralContainers", 0, "securityContext", "capabilities", "add", 0]},
		{"msg": `container "b" adds the capability DAC_READ_SEARCH (securityContext.capabilities.add[1]: "DAC_READ_SEARCH")`, "path": ["spec", "containers", 1, "securityContext", "capabilities", "add", 1]},
	} with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "init", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}],
		"containers": [
			{"name": "a", "securityContext": {"capabilities": {"add": ["net_raw", "CAP_SYS_PTRACE", "CHOWN"]}}},
			{"name": "b", "securityContext": {"capabilities": {"add": ["All", "DAC_READ_SEARCH"]}}},
		],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"capabilities": {"add": ["SYS_MODULE"]}}}],
	}}
}

test_fail_custom_list if {
	dangerous_capability_added.deny == {{
		"msg": `container "app" adds the capability BPF (securityContext.capabilities.add[0]: "BPF")`,
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 0],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"capabilities": {"add": ["BPF", "SYS_ADMIN"]}}}]}}
		with data.compliance.params as {"dangerous_capabilities": ["bpf"]}
}

test_success_harmless_capabilities if {
	dangerous_capability_added.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]}}},
		{"name": "b", "securityContext": {"capabilities": {"drop": ["SYS_ADMIN", "NET_RAW"]}}},
		{"name": "c"},
	]}}
}

test_success_windows_pod_skipped if {
	dangerous_capability_added.deny == set() with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}
}
