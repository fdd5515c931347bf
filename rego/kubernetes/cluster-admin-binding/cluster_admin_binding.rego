# METADATA
# title: Binding to cluster-admin
# description: >-
#   A ClusterRoleBinding or RoleBinding grants the cluster-admin ClusterRole, which allows
#   every action on every resource: a compromise of any bound subject is a compromise of
#   the cluster (or, through a RoleBinding, of the whole namespace, its Secrets included).
#   Decision: every such binding is reported once, naming its subjects; bindings to other
#   roles are judged by the roles' own rules (K8S-032, K8S-034, K8S-035).
# custom:
#   id: K8S-033
#   severity: high
#   remediation: |
#     Bind a role that grants only what the subjects need; keep cluster-admin for
#     break-glass access outside manifests.
#
#     ```yaml
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: view
#     ```
#   applies_to:
#     family: kubernetes
#     types: [ClusterRoleBinding, RoleBinding]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
package compliance.rules.kubernetes.cluster_admin_binding

import rego.v1

import data.compliance.lib.k8s

_subject_label(s) := sprintf("%s %s/%s", [s.kind, s.namespace, s.name]) if {
	s.kind == "ServiceAccount"
	is_string(s.namespace)
} else := sprintf("%s %s", [object.get(s, "kind", ""), object.get(s, "name", "")])

_subjects := concat(", ", sort([_subject_label(s) | some s in input.subjects; is_object(s)])) if {
	is_array(input.subjects)
	count(input.subjects) > 0
} else := "no subjects"

deny contains {"msg": msg, "path": ["roleRef", "name"]} if {
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
	msg := sprintf("%s grants cluster-admin to %s", [k8s.object_label, _subjects])
}
