# METADATA
# title: Secrets readable cluster-wide
# description: >-
#   A ClusterRole grants get, list or watch on Secrets, so any subject it is bound to
#   cluster-wide can read every credential of every namespace; list and watch return the
#   Secrets' contents, not only their names. Decision: the ClusterRole itself is reported,
#   whether or not the scan holds a binding for it, since one ClusterRoleBinding anywhere
#   makes it cluster-wide; a rule restricted with resourceNames is not, nor is a namespaced
#   Role; "*" verbs or resources and the "" or "*" apiGroups count.
# custom:
#   id: K8S-035
#   severity: high
#   remediation: |
#     Grant Secret access in a namespaced Role, limited by resourceNames to the Secrets the
#     subject needs.
#
#     ```yaml
#     kind: Role
#     metadata:
#       namespace: payments
#     rules:
#       - apiGroups: [""]
#         resources: ["secrets"]
#         resourceNames: ["payments-db"]
#         verbs: ["get"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [ClusterRole]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
#     - https://kubernetes.io/docs/concepts/configuration/secret/#information-security-for-secrets
package compliance.rules.kubernetes.secrets_readable_cluster_wide

import rego.v1

import data.compliance.lib.k8s

_read_verbs := {"get", "list", "watch", "*"}

deny contains {"msg": msg, "path": array.concat(r.path, ["verbs"])} if {
	input.kind == "ClusterRole"
	some r in k8s.rbac_rules
	count(k8s.rbac_values(r.rule, "resourceNames")) == 0
	count(k8s.rbac_values(r.rule, "apiGroups") & {"", "*"}) > 0
	count(k8s.rbac_values(r.rule, "resources") & {"secrets", "*"}) > 0
	verbs := k8s.rbac_values(r.rule, "verbs") & _read_verbs
	count(verbs) > 0
	msg := sprintf("%s rules[%d] can read every Secret in the cluster (verbs: %s)", [k8s.object_label, r.index, concat(", ", sort(verbs))])
}
