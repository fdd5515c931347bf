package compliance.rules.kubernetes.host_path_volume_test

import rego.v1

import data.compliance.rules.kubernetes.host_path_volume

_deployment(volumes) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app"}], "volumes": volumes}}}}

test_fail_host_path if {
	host_path_volume.deny == {{
		"msg": `volume "docker-sock" mounts the host path "/var/run/docker.sock" (hostPath.path)`,
		"path": ["spec", "template", "spec", "volumes", 1, "hostPath", "path"],
	}} with input as _deployment([
		{"name": "cache", "emptyDir": {}},
		{"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
	])
}

test_fail_read_only_mount_still_flagged if {
	host_path_volume.deny == {{
		"msg": `volume "etc" mounts the host path "/etc" (hostPath.path)`,
		"path": ["spec", "volumes", 0, "hostPath", "path"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app", "volumeMounts": [{"name": "etc", "mountPath": "/host/etc", "readOnly": true}]}],
		"volumes": [{"name": "etc", "hostPath": {"path": "/etc"}}],
	}}
}

test_fail_outside_allowed_paths if {
	host_path_volume.deny == {
		{"msg": `volume "a" mounts the host path "/var/logs" (hostPath.path)`, "path": ["spec", "template", "spec", "volumes", 0, "hostPath", "path"]},
		{"msg": `volume "b" mounts the host path "/var/log/../../etc" (hostPath.path)`, "path": ["spec", "template", "spec", "volumes", 1, "hostPath", "path"]},
		{"msg": `volume "c" mounts the host path "/" (hostPath.path)`, "path": ["spec", "template", "spec", "volumes", 2, "hostPath", "path"]},
	} with input as _deployment([
		{"name": "a", "hostPath": {"path": "/var/logs"}},
		{"name": "b", "hostPath": {"path": "/var/log/../../etc"}},
		{"name": "c", "hostPath": {"path": "/"}},
		{"name": "d", "hostPath": {"path": "/var/log"}},
		{"name": "e", "hostPath": {"path": "/var/log/pods/"}},
	])
		with data.compliance.params as {"allowed_host_paths": ["/var/log/"]}
}

test_fail_cronjob if {
	host_path_volume.deny == {{
		"msg": `volume "data" mounts the host path "/data" (hostPath.path)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "hostPath", "path"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job"}],
		"volumes": [{"name": "data", "hostPath": {"path": "/data"}}],
	}}}}}}
}

test_success_no_host_path if {
	host_path_volume.deny == set() with input as _deployment([
		{"name": "cache", "emptyDir": {}},
		{"name": "config", "configMap": {"name": "app"}},
		{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
	])
}

test_success_allowed_path if {
	host_path_volume.deny == set() with input as _deployment([{"name": "logs", "hostPath": {"path": "/var/log/containers"}}])
		with data.compliance.params as {"allowed_host_paths": ["/var/log"]}
}

test_success_not_a_workload if {
	host_path_volume.deny == set() with input as {"kind": "PersistentVolume", "spec": {"hostPath": {"path": "/mnt/data"}}}
}
