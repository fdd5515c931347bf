package compliance.rules.kubernetes.host_network_test

import rego.v1

import data.compliance.rules.kubernetes.host_network

test_fail_pod if {
	host_network.deny == {{
		"msg": "pod shares the host network namespace (hostNetwork: true)",
		"path": ["spec", "hostNetwork"],
	}} with input as {"kind": "Pod", "spec": {"hostNetwork": true, "containers": [{"name": "app"}]}}
}

test_fail_deployment if {
	host_network.deny == {{
		"msg": "pod shares the host network namespace (hostNetwork: true)",
		"path": ["spec", "template", "spec", "hostNetwork"],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "a"}, {"name": "b"}]}}}}
}

test_fail_cronjob if {
	host_network.deny == {{
		"msg": "pod shares the host network namespace (hostNetwork: true)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "hostNetwork"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "job"}]}}}}}}
}

test_success_false if {
	host_network.deny == set() with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {"hostNetwork": false, "containers": [{"name": "a"}]}}}}
}

test_success_not_set if {
	host_network.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}

test_success_not_a_workload if {
	host_network.deny == set() with input as {"kind": "Service", "spec": {"hostNetwork": true}}
}
