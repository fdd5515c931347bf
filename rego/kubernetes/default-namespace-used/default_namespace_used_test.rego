package compliance.rules.kubernetes.default_namespace_used_test

import rego.v1

import data.compliance.rules.kubernetes.default_namespace_used as rule

test_fail_explicit_default_namespace if {
	rule.deny == {{
		"msg": `Deployment "web" is in the default namespace`,
		"path": ["metadata", "namespace"],
	}} with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"}}
}

test_fail_custom_resource if {
	rule.deny == {{
		"msg": `Certificate "web-tls" is in the default namespace`,
		"path": ["metadata", "namespace"],
	}} with input as {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "web-tls", "namespace": "default"}}
}

test_success_no_namespace_decided_at_deploy_time if {
	rule.deny == set() with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
}

test_success_own_namespace if {
	rule.deny == set() with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "payments"}}
}

test_success_cluster_scoped_kind if {
	rule.deny == set() with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "default"}}
}

test_success_kubernetes_service if {
	rule.deny == set() with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"}}
}

test_success_role_binding_grants_access_to_default if {
	rule.deny == set() with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "prometheus-k8s", "namespace": "default"}}
}
