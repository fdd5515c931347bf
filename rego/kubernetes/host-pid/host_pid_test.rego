package compliance.rules.kubernetes.host_pid_test

import rego.v1

import data.compliance.rules.kubernetes.host_pid

test_fail_pod if {
	host_pid.deny == {{
		"msg": "pod shares the host process ID namespace (hostPID: true)",
		"path": ["spec", "hostPID"],
	}} with input as {"kind": "Pod", "spec": {"hostPID": true, "containers": [{"name": "app"}]}}
}

test_fail_deployment if {
	host_pid.deny == {{
		"msg": "pod shares the host process ID namespace (hostPID: true)",
		"path": ["spec", "template", "spec", "hostPID"],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"hostPID": true, "containers": [{"name": "a"}, {"name": "b"}]}}}}
}

test_fail_cronjob if {
	host_pid.deny == {{
		"msg": "pod shares the host process ID namespace (hostPID: true)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "hostPID"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostPID": true, "containers": [{"name": "job"}]}}}}}}
}

test_success_false if {
	host_pid.deny == set() with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {"hostPID": false, "containers": [{"name": "a"}]}}}}
}

test_success_not_set if {
	host_pid.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_success_not_a_workload if {
	host_pid.deny == set() with input as {"kind": "Service", "spec": {"hostPID": true}}
}
