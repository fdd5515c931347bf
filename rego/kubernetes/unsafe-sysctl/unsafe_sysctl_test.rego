package compliance.rules.kubernetes.unsafe_sysctl_test

import rego.v1

import data.compliance.rules.kubernetes.unsafe_sysctl

test_fail_unsafe if {
	unsafe_sysctl.deny == {
		{"msg": `pod sets the unsafe sysctl "kernel.msgmax" (securityContext.sysctls[1].name)`, "path": ["spec", "template", "spec", "securityContext", "sysctls", 1, "name"]},
		{"msg": `pod sets the unsafe sysctl "vm/overcommit_memory" (securityContext.sysctls[2].name)`, "path": ["spec", "template", "spec", "securityContext", "sysctls", 2, "name"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"sysctls": [
			{"name": "net.ipv4.tcp_syncookies", "value": "1"},
			{"name": "kernel.msgmax", "value": "65536"},
			{"name": "vm/overcommit_memory", "value": "1"},
		]},
		"containers": [{"name": "app"}],
	}}}}
}

test_fail_not_in_allowed if {
	unsafe_sysctl.deny == {{"msg": `pod sets the unsafe sysctl "net.core.somaxconn" (securityContext.sysctls[1].name)`, "path": ["spec", "securityContext", "sysctls", 1, "name"]}} with input as {"kind": "Pod", "spec": {
		"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.core.somaxconn", "value": "1024"}]},
		"containers": [{"name": "app"}],
	}}
		with data.compliance.params as {"allowed_sysctls": ["kernel/msgmax"]}
}

test_success_safe_sysctls if {
	unsafe_sysctl.deny == set() with input as {"kind": "Pod", "spec": {
		"securityContext": {"sysctls": [
			{"name": "kernel.shm_rmid_forced", "value": "1"},
			{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"},
			{"name": "net/ipv4/ip_unprivileged_port_start", "value": "0"},
			{"name": "net.ipv4.tcp_keepalive_time", "value": "600"},
		]},
		"containers": [{"name": "app"}],
	}}
}

test_success_no_sysctls if {
	unsafe_sysctl.deny == set() with input as {"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app"}]}}
}
