package compliance.rules.kubernetes.rbac_escalation_verb_test

import rego.v1

import data.compliance.rules.kubernetes.rbac_escalation_verb

test_fail_escalation_verbs if {
	rbac_escalation_verb.deny == {
		{"msg": `ClusterRole "role-manager" rules[0] grants bind, escalate on [clusterroles, roles]`, "path": ["rules", 0, "verbs"]},
		{"msg": `ClusterRole "role-manager" rules[2] grants impersonate on [serviceaccounts, users]`, "path": ["rules", 2, "verbs"]},
	} with input as {"kind": "ClusterRole", "metadata": {"name": "role-manager"}, "rules": [
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "clusterroles"], "verbs": ["get", "escalate", "bind"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["users", "serviceaccounts"], "verbs": ["Impersonate"]},
	]}
}

test_fail_role if {
	rbac_escalation_verb.deny == {{"msg": `Role "binder" in namespace "payments" rules[0] grants bind on [rolebindings]`, "path": ["rules", 0, "verbs"]}} with input as {
		"kind": "Role", "metadata": {"name": "binder", "namespace": "payments"},
		"rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "verbs": ["bind"]}],
	}
}

test_success_wildcard_is_rbac_wildcard_finding if {
	rbac_escalation_verb.deny == set() with input as {"kind": "ClusterRole", "metadata": {"name": "ops"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
}

test_success_ordinary_verbs if {
	rbac_escalation_verb.deny == set() with input as {"kind": "ClusterRole", "metadata": {"name": "editor"}, "rules": [
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "verbs": ["get", "list", "create"]},
	]}
}
