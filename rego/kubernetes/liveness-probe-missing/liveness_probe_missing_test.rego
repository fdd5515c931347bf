package compliance.rules.kubernetes.liveness_probe_missing_test

import rego.v1

import data.compliance.rules.kubernetes.liveness_probe_missing

test_fail_no_probe if {
	liveness_probe_missing.deny == {
		{"msg": `container "b" has no liveness probe`, "path": ["spec", "template", "spec", "containers", 1, "livenessProbe"]},
		{"msg": `initContainer "proxy" has no liveness probe`, "path": ["spec", "template", "spec", "initContainers", 1, "livenessProbe"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
		"containers": [
			{"name": "a", "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}},
			{"name": "b", "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}},
		],
		"ephemeralContainers": [{"name": "debug"}],
	}}}}
}

test_fail_null_probe if {
	liveness_probe_missing.deny == {{"msg": `container "a" has no liveness probe`, "path": ["spec", "containers", 0, "livenessProbe"]}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": null}]}}
}

test_success_probes_set if {
	liveness_probe_missing.deny == set() with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always", "livenessProbe": {"tcpSocket": {"port": 15000}}}],
		"containers": [{"name": "a", "livenessProbe": {"exec": {"command": ["true"]}}}],
	}}
}
