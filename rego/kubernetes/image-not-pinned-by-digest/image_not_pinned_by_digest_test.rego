package compliance.rules.kubernetes.image_not_pinned_by_digest_test

import rego.v1

import data.compliance.rules.kubernetes.image_not_pinned_by_digest

test_fail_tag_only if {
	image_not_pinned_by_digest.deny == {
		{"msg": `container "api" image is not pinned by digest (image: "registry.example.com/payments/api:1.8.3")`, "path": ["spec", "template", "spec", "containers", 0, "image"]},
		{"msg": `initContainer "init" image is not pinned by digest (image: "busybox")`, "path": ["spec", "template", "spec", "initContainers", 0, "image"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "image": "busybox"}],
		"containers": [{"name": "api", "image": "registry.example.com/payments/api:1.8.3"}, {"name": "side", "image": "envoy@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"}],
	}}}}
}

test_fail_malformed_digest if {
	image_not_pinned_by_digest.deny == {
		{"msg": `container "a" image has a malformed digest (image: "nginx@sha256:123")`, "path": ["spec", "containers", 0, "image"]},
		{"msg": `container "b" image has a malformed digest (image: "nginx@sha256:4F1C8E7D2A6B9C0E3F5A7D1B8C2E4F6A9B0C3D5E7F1A2B4C6D8E0F2A4B6C8D0E")`, "path": ["spec", "containers", 1, "image"]},
		{"msg": `container "c" image has a malformed digest (image: "nginx:1.27@md5:0123456789abcdef0123456789abcdef")`, "path": ["spec", "containers", 2, "image"]},
	} with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx@sha256:123"},
		{"name": "b", "image": "nginx@sha256:4F1C8E7D2A6B9C0E3F5A7D1B8C2E4F6A9B0C3D5E7F1A2B4C6D8E0F2A4B6C8D0E"},
		{"name": "c", "image": "nginx:1.27@md5:0123456789abcdef0123456789abcdef"},
	]}}
}

test_success_pinned if {
	image_not_pinned_by_digest.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
		{"name": "b", "image": "registry.example.com:5000/team/api:2.3.1@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
		{"name": "c", "image": "nginx@sha512:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
	]}}
}

test_success_not_a_workload if {
	image_not_pinned_by_digest.deny == set() with input as {"kind": "ConfigMap", "data": {"image": "nginx:1.27"}}
}
