package compliance.rules.kubernetes.argocd_project_wildcard_test

import rego.v1

import data.compliance.rules.kubernetes.argocd_project_wildcard as rule

_project(spec) := {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject", "metadata": {"name": "team"}, "spec": spec}

test_fail_wildcards_everywhere if {
	rule.deny == {
		{"msg": `AppProject "team" allows any source repository (spec.sourceRepos[0]: "*")`, "path": ["spec", "sourceRepos", 0]},
		{"msg": `AppProject "team" allows deploying to any cluster (spec.destinations[0].server: "*")`, "path": ["spec", "destinations", 0, "server"]},
		{"msg": `AppProject "team" allows deploying to any namespace (spec.destinations[0].namespace: "*")`, "path": ["spec", "destinations", 0, "namespace"]},
	} with input as _project({"sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "*"}]})
}

test_fail_any_namespace_on_named_cluster if {
	rule.deny == {{
		"msg": `AppProject "team" allows deploying to any namespace (spec.destinations[1].namespace: "*")`,
		"path": ["spec", "destinations", 1, "namespace"],
	}} with input as _project({
		"sourceRepos": ["https://github.com/example-org/*"],
		"destinations": [{"name": "prod", "namespace": "payments"}, {"name": "prod", "namespace": "*"}],
	})
}

test_fail_any_cluster_by_name if {
	rule.deny == {{
		"msg": `AppProject "team" allows deploying to any cluster (spec.destinations[0].name: "*")`,
		"path": ["spec", "destinations", 0, "name"],
	}} with input as _project({"destinations": [{"name": "*", "namespace": "payments"}]})
}

test_success_scoped_patterns if {
	rule.deny == set() with input as _project({
		"sourceRepos": ["https://github.com/example-org/payments-gitops.git", "https://github.com/example-org/*"],
		"destinations": [{"server": "https://prod.example.com", "namespace": "payments-*"}],
	})
}
