package compliance.rules.kubernetes.apparmor_unconfined_test

import rego.v1

import data.compliance.rules.kubernetes.apparmor_unconfined

test_fail_pod_level_field if {
	apparmor_unconfined.deny == {
		{"msg": `container "app" runs without AppArmor confinement (pod securityContext.appArmorProfile.type: Unconfined)`, "path": ["spec", "template", "spec", "securityContext", "appArmorProfile", "type"]},
		{"msg": `initContainer "init" runs without AppArmor confinement (pod securityContext.appArmorProfile.type: Unconfined)`, "path": ["spec", "template", "spec", "securityContext", "appArmorProfile", "type"]},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"appArmorProfile": {"type": "Unconfined"}},
		"initContainers": [{"name": "init"}],
		"containers": [{"name": "app"}, {"name": "side", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}],
	}}}}
}

test_fail_container_field if {
	apparmor_unconfined.deny == {{
		"msg": `container "app" runs without AppArmor confinement (securityContext.appArmorProfile.type: Unconfined)`,
		"path": ["spec", "containers", 0, "securityContext", "appArmorProfile", "type"],
	}} with input as {"kind": "Pod", "spec": {
		"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
		"containers": [{"name": "app", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}],
	}}
}

test_fail_annotation if {
	apparmor_unconfined.deny == {{
		"msg": `container "app" runs without AppArmor confinement (annotation container.apparmor.security.beta.kubernetes.io/app: unconfined)`,
		"path": ["spec", "jobTemplate", "spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {
		"metadata": {"annotations": {
			"container.apparmor.security.beta.kubernetes.io/app": "unconfined",
			"container.apparmor.security.beta.kubernetes.io/side": "runtime/default",
			"container.apparmor.security.beta.kubernetes.io/gone": "unconfined",
		}},
		"spec": {"containers": [{"name": "app"}, {"name": "side"}]},
	}}}}}
}

test_fail_annotation_on_pod if {
	apparmor_unconfined.deny == {{
		"msg": `container "app" runs without AppArmor confinement (annotation container.apparmor.security.beta.kubernetes.io/app: unconfined)`,
		"path": ["metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"],
	}} with input as {"kind": "Pod", "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}, "spec": {"containers": [{"name": "app"}]}}
}

test_success_container_overrides_pod_unconfined if {
	apparmor_unconfined.deny == set() with input as {"kind": "Pod", "spec": {
		"securityContext": {"appArmorProfile": {"type": "Unconfined"}},
		"containers": [{"name": "app", "securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-app"}}}],
	}}
}

test_success_not_set if {
	# No AppArmor setting: the runtime's default profile applies.
	apparmor_unconfined.deny == set() with input as {"kind": "Pod", "metadata": {"annotations": {"team": "payments"}}, "spec": {"containers": [{"name": "app"}]}}
}
