package compliance.rules.kubernetes.host_port_test

import rego.v1

import data.compliance.rules.kubernetes.host_port

test_fail_host_port if {
	host_port.deny == {
		{"msg": `container "web" binds host port 80 (ports[1].hostPort)`, "path": ["spec", "template", "spec", "containers", 0, "ports", 1, "hostPort"]},
		{"msg": `initContainer "init" binds host port 9000 (ports[0].hostPort)`, "path": ["spec", "template", "spec", "initContainers", 0, "ports", 0, "hostPort"]},
	} with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "ports": [{"containerPort": 9000, "hostPort": 9000}]}],
		"containers": [{"name": "web", "ports": [{"containerPort": 8080}, {"containerPort": 80, "hostPort": 80}]}],
	}}}}
}

test_fail_not_in_allowed_ports if {
	host_port.deny == {{"msg": `container "web" binds host port 8443 (ports[1].hostPort)`, "path": ["spec", "containers", 0, "ports", 1, "hostPort"]}} with input as {"kind": "Pod", "spec": {"containers": [{
		"name": "web",
		"ports": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 8443, "hostPort": 8443}],
	}]}}
		with data.compliance.params as {"allowed_host_ports": [80]}
}

test_success_no_host_port if {
	host_port.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "web", "ports": [
		{"containerPort": 8080},
		{"containerPort": 8081, "hostPort": 0},
		{"containerPort": 8082, "hostPort": null},
	]}]}}
}

test_success_host_network_is_not_this_rule if {
	# hostNetwork itself is K8S-002's finding; no explicit hostPort here.
	host_port.deny == set() with input as {"kind": "Pod", "spec": {"hostNetwork": true, "containers": [{"name": "web", "ports": [{"containerPort": 8080}]}]}}
}
