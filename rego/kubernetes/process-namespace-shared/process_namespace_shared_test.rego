package compliance.rules.kubernetes.process_namespace_shared_test

import rego.v1

import data.compliance.rules.kubernetes.process_namespace_shared

test_fail_shared if {
	process_namespace_shared.deny == {{
		"msg": "pod shares one process namespace between its containers (shareProcessNamespace: true)",
		"path": ["spec", "template", "spec", "shareProcessNamespace"],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"shareProcessNamespace": true, "containers": [{"name": "app"}, {"name": "proxy"}]}}}}
}

test_fail_pod if {
	process_namespace_shared.deny == {{
		"msg": "pod shares one process namespace between its containers (shareProcessNamespace: true)",
		"path": ["spec", "shareProcessNamespace"],
	}} with input as {"kind": "Pod", "spec": {"shareProcessNamespace": true, "containers": [{"name": "app"}]}}
}

test_success_not_shared if {
	process_namespace_shared.deny == set() with input as {"kind": "Pod", "spec": {"shareProcessNamespace": false, "containers": [{"name": "app"}]}}
	process_namespace_shared.deny == set() with input as {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}
}
