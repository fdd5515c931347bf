package compliance.lib.k8s_test

import rego.v1

import data.compliance.lib.k8s

_pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "p"},
	"spec": {
		"securityContext": {"runAsUser": 1000, "runAsNonRoot": true},
		"initContainers": [{"name": "init", "image": "busybox:1.36"}],
		"containers": [
			{"name": "app", "image": "app:1", "securityContext": {"runAsUser": 0, "runAsNonRoot": null}},
			{"name": "side", "image": "side:1"},
		],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
	},
}

test_success_pod_spec_path_pod if {
	k8s.pod_spec_path == ["spec"] with input as _pod
}

test_success_pod_spec_path_deployment if {
	k8s.pod_spec_path == ["spec", "template", "spec"] with input as {"kind": "Deployment"}
}

test_success_pod_spec_path_cronjob if {
	k8s.pod_spec_path == ["spec", "jobTemplate", "spec", "template", "spec"] with input as {"kind": "CronJob"}
}

test_success_pod_spec_path_other_kind_undefined if {
	not k8s.pod_spec_path with input as {"kind": "Service", "spec": {"ports": []}}
}

test_success_containers_pod_all_lists if {
	k8s.containers == {
		{"container": {"name": "init", "image": "busybox:1.36"}, "path": ["spec", "initContainers", 0], "kind": "initContainer"},
		{
			"container": {"name": "app", "image": "app:1", "securityContext": {"runAsUser": 0, "runAsNonRoot": null}},
			"path": ["spec", "containers", 0], "kind": "container",
		},
		{"container": {"name": "side", "image": "side:1"}, "path": ["spec", "containers", 1], "kind": "container"},
		{"container": {"name": "debug", "image": "busybox:1.36"}, "path": ["spec", "ephemeralContainers", 0], "kind": "ephemeralContainer"},
	} with input as _pod
}

test_success_containers_deployment if {
	k8s.containers == {{"container": {"name": "app"}, "path": ["spec", "template", "spec", "containers", 0], "kind": "container"}} with input as {
		"kind": "Deployment",
		"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}},
	}
}

test_success_containers_cronjob if {
	k8s.containers == {
		{"container": {"name": "job"}, "path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0], "kind": "container"},
		{"container": {"name": "init"}, "path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0], "kind": "initContainer"},
	} with input as {
		"kind": "CronJob",
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}], "initContainers": [{"name": "init"}]}}}}},
	}
}

test_success_containers_non_workload_empty if {
	k8s.containers == set() with input as {"kind": "ConfigMap", "data": {"containers": "x"}}
}

test_success_containers_missing_template_empty if {
	k8s.containers == set() with input as {"kind": "Deployment", "spec": {"replicas": 1}}
}

test_success_container_label_named if {
	k8s.container_label({"container": {"name": "init"}, "path": ["spec", "initContainers", 0], "kind": "initContainer"}) == `initContainer "init"`
}

test_success_container_label_unnamed if {
	k8s.container_label({"container": {}, "path": ["spec", "containers", 2], "kind": "container"}) == "container #2"
}

test_success_effective_setting_container_overrides_pod if {
	x := {"container": _pod.spec.containers[0], "path": ["spec", "containers", 0], "kind": "container"}
	s := k8s.effective_security_setting(x, "runAsUser") with input as _pod
	s == {"value": 0, "path": ["spec", "containers", 0, "securityContext", "runAsUser"], "level": "container", "ref": "securityContext.runAsUser"}
}

test_success_effective_setting_inherited_from_pod if {
	x := {"container": _pod.spec.containers[1], "path": ["spec", "containers", 1], "kind": "container"}
	s := k8s.effective_security_setting(x, "runAsUser") with input as _pod
	s == {"value": 1000, "path": ["spec", "securityContext", "runAsUser"], "level": "pod", "ref": "pod securityContext.runAsUser"}
}

test_success_effective_setting_null_falls_back_to_pod if {
	x := {"container": _pod.spec.containers[0], "path": ["spec", "containers", 0], "kind": "container"}
	s := k8s.effective_security_setting(x, "runAsNonRoot") with input as _pod
	s == {"value": true, "path": ["spec", "securityContext", "runAsNonRoot"], "level": "pod", "ref": "pod securityContext.runAsNonRoot"}
}

test_success_effective_setting_container_only_field_not_inherited if {
	x := {"container": {"name": "a"}, "path": ["spec", "containers", 0], "kind": "container"}
	pod := {"kind": "Pod", "spec": {"securityContext": {"privileged": true}, "containers": [{"name": "a"}]}}
	not k8s.effective_security_setting(x, "privileged") with input as pod
}

test_success_effective_setting_unset if {
	x := {"container": {"name": "a"}, "path": ["spec", "containers", 0], "kind": "container"}
	not k8s.effective_security_setting(x, "runAsUser") with input as {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
}

test_success_image_tag if {
	k8s.image_tag("nginx:1.27") == "1.27"
	k8s.image_tag("registry:5000/team/app:v2") == "v2"
	k8s.image_tag("app:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000") == "latest"
	not k8s.image_tag("registry:5000/app")
	not k8s.image_tag("nginx")
}

test_success_is_pinned_by_digest if {
	k8s.is_pinned_by_digest("nginx@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e")
	not k8s.is_pinned_by_digest("nginx@sha256:abc")
	not k8s.is_pinned_by_digest("nginx:1.27")
}

test_success_is_windows_pod if {
	k8s.is_windows_pod with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": []}}
	not k8s.is_windows_pod with input as {"kind": "Pod", "spec": {"os": {"name": "linux"}, "containers": []}}
	not k8s.is_windows_pod with input as {"kind": "Pod", "spec": {"containers": []}}
}

test_success_limit_helpers if {
	x := {"container": {"name": "a", "resources": {"limits": {"cpu": "500m", "memory": ""}}}, "path": ["spec", "containers", 0], "kind": "container"}
	k8s.has_limit(x, "cpu")
	not k8s.has_limit(x, "memory")
	k8s.resource_containers == {{"container": {"name": "app"}, "path": ["spec", "containers", 0], "kind": "container"}} with input as {
		"kind": "Pod",
		"spec": {"containers": [{"name": "app"}], "ephemeralContainers": [{"name": "debug"}]},
	}
}

test_success_has_request if {
	x := {"container": {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": null}}}, "path": ["spec", "containers", 0], "kind": "container"}
	k8s.has_request(x, "cpu")
	not k8s.has_request(x, "memory")
	not k8s.has_request({"container": {"name": "b"}, "path": ["spec", "containers", 1], "kind": "container"}, "cpu")
}

test_success_pod_metadata_path if {
	k8s.pod_metadata_path == ["metadata"] with input as {"kind": "Pod", "spec": {}}
	k8s.pod_metadata_path == ["spec", "template", "metadata"] with input as {"kind": "Deployment"}
	k8s.pod_metadata_path == ["spec", "jobTemplate", "spec", "template", "metadata"] with input as {"kind": "CronJob"}
	not k8s.pod_metadata_path with input as {"kind": "Service"}
}

test_success_long_running_containers if {
	k8s.long_running_containers == {
		{"container": {"name": "app"}, "path": ["spec", "containers", 0], "kind": "container"},
		{"container": {"name": "proxy", "restartPolicy": "Always"}, "path": ["spec", "initContainers", 1], "kind": "initContainer"},
	} with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
		"containers": [{"name": "app"}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
}

test_success_image_repository if {
	k8s.image_repository("nginx") == "docker.io/library/nginx"
	k8s.image_repository("nginx:1.27@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e") == "docker.io/library/nginx"
	k8s.image_repository("bitnami/redis:7.2") == "docker.io/bitnami/redis"
	k8s.image_repository("docker.io/nginx:1.27") == "docker.io/library/nginx"
	k8s.image_repository("index.docker.io/bitnami/redis") == "docker.io/bitnami/redis"
	k8s.image_repository("GHCR.io/acme/api:1.0") == "ghcr.io/acme/api"
	k8s.image_repository("registry.example.com:5000/team/api:2.3.1") == "registry.example.com:5000/team/api"
	k8s.image_repository("localhost/app:dev") == "localhost/app"
	k8s.image_repository("localhost:5000/app") == "localhost:5000/app"
}

test_success_image_registry if {
	k8s.image_registry("nginx:1.27") == "docker.io"
	k8s.image_registry("team/app") == "docker.io"
	k8s.image_registry("quay.io/prometheus/node-exporter:v1.8.2") == "quay.io"
	k8s.image_registry("registry.example.com:5000/api") == "registry.example.com:5000"
}

test_success_rbac_rules if {
	k8s.rbac_rules == {
		{"rule": {"verbs": ["get"], "resources": ["pods"]}, "path": ["rules", 0], "index": 0},
		{"rule": {"verbs": ["*"]}, "path": ["rules", 2], "index": 2},
	} with input as {"kind": "ClusterRole", "rules": [{"verbs": ["get"], "resources": ["pods"]}, "bad", {"verbs": ["*"]}]}
	k8s.rbac_rules == set() with input as {"kind": "ConfigMap", "rules": [{"verbs": ["*"]}]}
	k8s.rbac_rules == set() with input as {"kind": "ClusterRole", "aggregationRule": {}}
}

test_success_rbac_values if {
	k8s.rbac_values({"verbs": ["get", "list", 3]}, "verbs") == {"get", "list"}
	k8s.rbac_values({"verbs": "get"}, "verbs") == set()
	k8s.rbac_values({}, "resources") == set()
}

test_success_object_label if {
	k8s.object_label == `Role "reader" in namespace "payments"` with input as {"kind": "Role", "metadata": {"name": "reader", "namespace": "payments"}}
	k8s.object_label == `Role "reader"` with input as {"kind": "Role", "metadata": {"name": "reader"}}
	k8s.object_label == `ClusterRole "reader"` with input as {"kind": "ClusterRole", "metadata": {"name": "reader", "namespace": "ignored"}}
	k8s.object_label == `ClusterRole ""` with input as {"kind": "ClusterRole"}
}
