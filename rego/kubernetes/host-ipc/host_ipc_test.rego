package compliance.rules.kubernetes.host_ipc_test

import rego.v1

import data.compliance.rules.kubernetes.host_ipc

test_fail_pod if {
	host_ipc.deny == {{
		"msg": "pod shares the host IPC namespace (hostIPC: true)",
		"path": ["spec", "hostIPC"],
	}} with input as {"kind": "Pod", "spec": {"hostIPC": true, "containers": [{"name": "app"}]}}
}

test_fail_deployment if {
	host_ipc.deny == {{
		"msg": "pod shares the host IPC namespace (hostIPC: true)",
		"path": ["spec", "template", "spec", "hostIPC"],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"hostIPC": true, "containers": [{"name": "a"}, {"name": "b"}]}}}}
}

test_fail_cronjob if {
	host_ipc.deny == {{
		"msg": "pod shares the host IPC namespace (hostIPC: true)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "hostIPC"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostIPC": true, "containers": [{"name": "job"}]}}}}}}
}

test_success_false if {
	host_ipc.deny == set() with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {"hostIPC": false, "containers": [{"name": "a"}]}}}}
}

test_success_not_set if {
	host_ipc.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_success_not_a_workload if {
	host_ipc.deny == set() with input as {"kind": "Service", "spec": {"hostIPC": true}}
}
