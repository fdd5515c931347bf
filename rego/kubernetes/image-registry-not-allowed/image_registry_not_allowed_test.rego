package compliance.rules.kubernetes.image_registry_not_allowed_test

import rego.v1

import data.compliance.rules.kubernetes.image_registry_not_allowed

_params := {"allowed_registries": ["registry.example.com", "ghcr.io/acme/", "docker.io/library"]}

test_fail_registry_not_allowed if {
	image_registry_not_allowed.deny == {
		{"msg": `container "a" pulls from registry "quay.io", which is not in allowed_registries (image: "quay.io/prometheus/node-exporter:v1.8.2")`, "path": ["spec", "template", "spec", "containers", 0, "image"]},
		{"msg": `container "b" pulls from registry "registry.example.com.evil.io", which is not in allowed_registries (image: "registry.example.com.evil.io/api:1")`, "path": ["spec", "template", "spec", "containers", 1, "image"]},
		{"msg": `container "c" pulls from registry "ghcr.io", which is not in allowed_registries (image: "ghcr.io/acme-evil/api:1")`, "path": ["spec", "template", "spec", "containers", 2, "image"]},
		{"msg": `initContainer "init" pulls from registry "docker.io", which is not in allowed_registries (image: "bitnami/kubectl:1.31")`, "path": ["spec", "template", "spec", "initContainers", 0, "image"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "image": "bitnami/kubectl:1.31"}],
		"containers": [
			{"name": "a", "image": "quay.io/prometheus/node-exporter:v1.8.2"},
			{"name": "b", "image": "registry.example.com.evil.io/api:1"},
			{"name": "c", "image": "ghcr.io/acme-evil/api:1"},
			{"name": "d", "image": "registry.example.com/payments/api:1.8.3"},
		],
	}}}}
		with data.compliance.params as _params
}

test_fail_port_is_part_of_the_registry if {
	image_registry_not_allowed.deny == {{
		"msg": `container "a" pulls from registry "registry.example.com:5000", which is not in allowed_registries (image: "registry.example.com:5000/api:1")`,
		"path": ["spec", "containers", 0, "image"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "registry.example.com:5000/api:1"}]}}
		with data.compliance.params as _params
}

test_success_allowed if {
	image_registry_not_allowed.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "registry.example.com/payments/api:1.8.3"},
		{"name": "b", "image": "REGISTRY.example.com/payments/worker:2"},
		{"name": "c", "image": "ghcr.io/acme/tools/report@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
		{"name": "d", "image": "nginx:1.27"},
		{"name": "e", "image": "docker.io/library/redis:7"},
	]}}
		with data.compliance.params as _params
}

test_success_empty_list_checks_nothing if {
	# Decision: no allowed_registries configured means there is no list to enforce.
	image_registry_not_allowed.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "quay.io/x/y:1"}]}}
		with data.compliance.params as {"allowed_registries": []}
	image_registry_not_allowed.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "quay.io/x/y:1"}]}}
}
