package compliance.rules.kubernetes.cluster_admin_binding_test

import rego.v1

import data.compliance.rules.kubernetes.cluster_admin_binding

test_fail_cluster_role_binding if {
	cluster_admin_binding.deny == {{
		"msg": `ClusterRoleBinding "ci-admin" grants cluster-admin to Group platform-team, ServiceAccount ci/deployer, User alice@example.com`,
		"path": ["roleRef", "name"],
	}} with input as {
		"kind": "ClusterRoleBinding", "metadata": {"name": "ci-admin"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": [
			{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"},
			{"kind": "User", "name": "alice@example.com", "apiGroup": "rbac.authorization.k8s.io"},
			{"kind": "Group", "name": "platform-team", "apiGroup": "rbac.authorization.k8s.io"},
		],
	}
}

test_fail_role_binding if {
	cluster_admin_binding.deny == {{
		"msg": `RoleBinding "admin" in namespace "payments" grants cluster-admin to no subjects`,
		"path": ["roleRef", "name"],
	}} with input as {
		"kind": "RoleBinding", "metadata": {"name": "admin", "namespace": "payments"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
	}
}

test_success_other_roles if {
	cluster_admin_binding.deny == set() with input as {
		"kind": "ClusterRoleBinding", "metadata": {"name": "viewers"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
		"subjects": [{"kind": "Group", "name": "developers"}],
	}
	cluster_admin_binding.deny == set() with input as {
		"kind": "RoleBinding", "metadata": {"name": "x", "namespace": "payments"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "cluster-admin"},
		"subjects": [{"kind": "User", "name": "bob"}],
	}
}
