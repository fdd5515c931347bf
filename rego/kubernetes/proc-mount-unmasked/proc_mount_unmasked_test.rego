package compliance.rules.kubernetes.proc_mount_unmasked_test

import rego.v1

import data.compliance.rules.kubernetes.proc_mount_unmasked

test_fail_unmasked if {
	proc_mount_unmasked.deny == {
		{"msg": `container "app" mounts /proc unmasked (securityContext.procMount: Unmasked)`, "path": ["spec", "template", "spec", "containers", 0, "securityContext", "procMount"]},
		{"msg": `initContainer "init" mounts /proc unmasked (securityContext.procMount: Unmasked)`, "path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "procMount"]},
	} with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {"procMount": "Unmasked"}}],
		"containers": [{"name": "app", "securityContext": {"procMount": "Unmasked"}}, {"name": "side", "securityContext": {"procMount": "Default"}}],
	}}}}
}

test_success_default_or_unset if {
	proc_mount_unmasked.deny == set() with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"procMount": "Default"}},
		{"name": "b"},
	]}}
}

test_success_pod_level_is_not_a_field if {
	# procMount exists only on containers; a pod-level key is ignored by the API.
	proc_mount_unmasked.deny == set() with input as {"kind": "Pod", "spec": {"securityContext": {"procMount": "Unmasked"}, "containers": [{"name": "a"}]}}
}
