package compliance.rules.kubernetes.image_pull_policy_not_always_test

import rego.v1

import data.compliance.rules.kubernetes.image_pull_policy_not_always

test_fail_explicit_policy if {
	image_pull_policy_not_always.deny == {
		{"msg": `container "a" pulls a mutable tag with imagePullPolicy IfNotPresent (image: "registry.example.com/api:1.8.3")`, "path": ["spec", "template", "spec", "containers", 0, "imagePullPolicy"]},
		{"msg": `container "b" pulls a mutable tag with imagePullPolicy Never (image: "nginx:latest")`, "path": ["spec", "template", "spec", "containers", 1, "imagePullPolicy"]},
		{"msg": `container "c" pulls a mutable tag with imagePullPolicy IfNotPresent (image: "nginx@sha256:123")`, "path": ["spec", "template", "spec", "containers", 2, "imagePullPolicy"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
		{"name": "a", "image": "registry.example.com/api:1.8.3", "imagePullPolicy": "IfNotPresent"},
		{"name": "b", "image": "nginx:latest", "imagePullPolicy": "Never"},
		{"name": "c", "image": "nginx@sha256:123", "imagePullPolicy": "IfNotPresent"},
	]}}}}
}

test_fail_unset_defaults_to_if_not_present if {
	image_pull_policy_not_always.deny == {{
		"msg": `initContainer "init" pulls a mutable tag with imagePullPolicy not set, which defaults to IfNotPresent (image: "busybox:1.36")`,
		"path": ["spec", "initContainers", 0, "image"],
	}} with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "init", "image": "busybox:1.36"}],
		"containers": [{"name": "app", "image": "busybox:1.36", "imagePullPolicy": "Always"}],
	}}
}

test_success_always_or_default_always if {
	image_pull_policy_not_always.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "registry.example.com/api:1.8.3", "imagePullPolicy": "Always"},
		{"name": "b", "image": "nginx:latest"},
		{"name": "c", "image": "registry.example.com:5000/api"},
	]}}
}

test_success_pinned_by_digest if {
	image_pull_policy_not_always.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e", "imagePullPolicy": "IfNotPresent"},
		{"name": "b", "image": "nginx:1.27@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
	]}}
}
