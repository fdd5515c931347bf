package compliance.rules.kubernetes.rbac_wildcard_test

import rego.v1

import data.compliance.rules.kubernetes.rbac_wildcard

test_fail_wildcards if {
	rbac_wildcard.deny == {
		{"msg": `ClusterRole "ops" rules[0] grants every verb (verbs: *)`, "path": ["rules", 0, "verbs"]},
		{"msg": `ClusterRole "ops" rules[0] grants every resource (resources: *)`, "path": ["rules", 0, "resources"]},
		{"msg": `ClusterRole "ops" rules[2] grants every resource (resources: */scale)`, "path": ["rules", 2, "resources"]},
	} with input as {"kind": "ClusterRole", "metadata": {"name": "ops"}, "rules": [
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
		{"apiGroups": ["*"], "resources": ["deployments"], "verbs": ["get"]},
		{"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["update"]},
	]}
}

test_fail_role if {
	rbac_wildcard.deny == {{"msg": `Role "deployer" in namespace "payments" rules[0] grants every verb (verbs: *)`, "path": ["rules", 0, "verbs"]}} with input as {
		"kind": "Role", "metadata": {"name": "deployer", "namespace": "payments"},
		"rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["*"]}],
	}
}

test_success_explicit if {
	rbac_wildcard.deny == set() with input as {"kind": "ClusterRole", "metadata": {"name": "reader"}, "rules": [
		{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]},
		{"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
	]}
}

test_success_aggregated_role_without_rules if {
	rbac_wildcard.deny == set() with input as {"kind": "ClusterRole", "metadata": {"name": "monitoring"}, "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true"}}]}}
}
