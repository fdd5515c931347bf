package compliance.rules.kubernetes.secrets_readable_cluster_wide_test

import rego.v1

import data.compliance.rules.kubernetes.secrets_readable_cluster_wide

test_fail_read_secrets if {
	secrets_readable_cluster_wide.deny == {
		{"msg": `ClusterRole "secret-reader" rules[0] can read every Secret in the cluster (verbs: get, list)`, "path": ["rules", 0, "verbs"]},
		{"msg": `ClusterRole "secret-reader" rules[2] can read every Secret in the cluster (verbs: *)`, "path": ["rules", 2, "verbs"]},
		{"msg": `ClusterRole "secret-reader" rules[3] can read every Secret in the cluster (verbs: watch)`, "path": ["rules", 3, "verbs"]},
	} with input as {"kind": "ClusterRole", "metadata": {"name": "secret-reader"}, "rules": [
		{"apiGroups": [""], "resources": ["secrets", "configmaps"], "verbs": ["get", "list", "create"]},
		{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls-cert"], "verbs": ["get"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["watch"]},
	]}
}

test_success_limited if {
	secrets_readable_cluster_wide.deny == set() with input as {"kind": "ClusterRole", "metadata": {"name": "cert-reader"}, "rules": [
		{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls-cert"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "delete"]},
		{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]},
	]}
}

test_success_namespaced_role if {
	secrets_readable_cluster_wide.deny == set() with input as {"kind": "Role", "metadata": {"name": "secret-reader", "namespace": "payments"}, "rules": [
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]},
	]}
}
