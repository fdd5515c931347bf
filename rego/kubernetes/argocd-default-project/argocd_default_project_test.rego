package compliance.rules.kubernetes.argocd_default_project_test

import rego.v1

import data.compliance.rules.kubernetes.argocd_default_project as rule

_app(spec) := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "pay"}, "spec": spec}

test_fail_default_project if {
	rule.deny == {{
		"msg": `Application "pay" is in the default AppProject (spec.project: default), which allows any source, destination and cluster-scoped kind`,
		"path": ["spec", "project"],
	}} with input as _app({"project": "default"})
}

test_fail_project_not_set if {
	rule.deny == {{
		"msg": `Application "pay" is in the default AppProject (spec.project: not set), which allows any source, destination and cluster-scoped kind`,
		"path": ["spec", "project"],
	}} with input as _app({"source": {}})
}

test_success_own_project if {
	rule.deny == set() with input as _app({"project": "payments-production"})
}
