package compliance.rules.kubernetes.privileged_container_test

import rego.v1

import data.compliance.rules.kubernetes.privileged_container

test_fail_pod_privileged_container if {
	privileged_container.deny == {{
		"msg": `container "app" runs privileged (securityContext.privileged: true)`,
		"path": ["spec", "containers", 0, "securityContext", "privileged"],
	}} with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}
}

test_fail_deployment_every_privileged_container if {
	privileged_container.deny == {
		{
			"msg": `initContainer "init" runs privileged (securityContext.privileged: true)`,
			"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "privileged"],
		},
		{
			"msg": `container "b" runs privileged (securityContext.privileged: true)`,
			"path": ["spec", "template", "spec", "containers", 1, "securityContext", "privileged"],
		},
		{
			"msg": `container "c" runs privileged (securityContext.privileged: true)`,
			"path": ["spec", "template", "spec", "containers", 2, "securityContext", "privileged"],
		},
	} with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "init", "securityContext": {"privileged": true}}],
		"containers": [
			{"name": "a", "securityContext": {"privileged": false}},
			{"name": "b", "securityContext": {"privileged": true}},
			{"name": "c", "securityContext": {"privileged": true}},
		],
	}}}}
}

test_fail_cronjob_privileged_container if {
	privileged_container.deny == {{
		"msg": `container "job" runs privileged (securityContext.privileged: true)`,
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "privileged"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "job", "securityContext": {"privileged": true}}],
	}}}}}}
}

test_fail_ephemeral_container if {
	privileged_container.deny == {{
		"msg": `ephemeralContainer "debug" runs privileged (securityContext.privileged: true)`,
		"path": ["spec", "ephemeralContainers", 0, "securityContext", "privileged"],
	}} with input as {"kind": "Pod", "spec": {
		"containers": [{"name": "app"}],
		"ephemeralContainers": [{"name": "debug", "securityContext": {"privileged": true}}],
	}}
}

test_success_privileged_false if {
	privileged_container.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"privileged": false}}]}}
}

test_success_privileged_not_set if {
	privileged_container.deny == set() with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}
}

test_success_not_a_workload if {
	privileged_container.deny == set() with input as {"kind": "ConfigMap", "data": {"privileged": "true"}}
}
