package compliance.rules.kubernetes.image_tag_mutable_test

import rego.v1

import data.compliance.rules.kubernetes.image_tag_mutable

test_fail_latest_tag if {
	image_tag_mutable.deny == {{
		"msg": `container "app" uses the mutable tag latest (image: "nginx:latest")`,
		"path": ["spec", "containers", 0, "image"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}
}

test_fail_every_container if {
	image_tag_mutable.deny == {
		{
			"msg": `initContainer "init" has no image tag or digest (image: "busybox")`,
			"path": ["spec", "template", "spec", "initContainers", 0, "image"],
		},
		{
			"msg": `container "a" has no image tag or digest (image: "registry.example.com:5000/team/api")`,
			"path": ["spec", "template", "spec", "containers", 0, "image"],
		},
		{
			"msg": `container "c" uses the mutable tag latest (image: "registry.example.com:5000/team/worker:latest")`,
			"path": ["spec", "template", "spec", "containers", 2, "image"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "image": "busybox"}],
		"containers": [
			{"name": "a", "image": "registry.example.com:5000/team/api"},
			{"name": "b", "image": "registry.example.com:5000/team/api:2.3.1"},
			{"name": "c", "image": "registry.example.com:5000/team/worker:latest"},
		],
	}}}}
}

test_fail_cronjob_and_ephemeral_shapes if {
	image_tag_mutable.deny == {{
		"msg": `container "job" has no image tag or digest (image: "ghcr.io/acme/report")`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "image"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job", "image": "ghcr.io/acme/report"}],
	}}}}}}

	image_tag_mutable.deny == {{
		"msg": `ephemeralContainer "debug" uses the mutable tag latest (image: "busybox:latest")`,
		"path": ["spec", "ephemeralContainers", 0, "image"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "image": "nginx:1.27.2"}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:latest"}],
	}}
}

test_fail_malformed_digest_not_pinned if {
	image_tag_mutable.deny == {{
		"msg": `container "app" has no image tag or digest (image: "nginx@sha256:abc")`,
		"path": ["spec", "containers", 0, "image"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "image": "nginx@sha256:abc"}]}}
}

test_success_fixed_tag_or_digest if {
	image_tag_mutable.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx:1.27.2"},
		{"name": "b", "image": "registry.example.com:5000/team/api:2.3.1"},
		{"name": "c", "image": "nginx@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
		{"name": "d", "image": "nginx:latest@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e"},
	]}}
}

test_success_not_a_workload if {
	image_tag_mutable.deny == set() with input as {"kind": "ConfigMap", "data": {"image": "nginx:latest"}}
}
