# METADATA
# title: RBAC privilege-escalation verb
# description: >-
#   A Role or ClusterRole grants escalate, bind or impersonate. escalate lets the subject
#   write roles with permissions it does not hold, bind lets it bind any role to anyone,
#   and impersonate lets it act as another user, group or ServiceAccount: each bypasses
#   RBAC's own escalation prevention. Decision: the verb is reported whatever resources it
#   applies to; a wildcard verb is K8S-032's finding, not reported again here.
# custom:
#   id: K8S-034
#   severity: high
#   remediation: |
#     Remove escalate, bind and impersonate; grant the concrete roles or bindings the
#     subject needs instead, through a reviewed change.
#
#     ```yaml
#     rules:
#       - apiGroups: ["rbac.authorization.k8s.io"]
#         resources: ["rolebindings"]
#         verbs: ["get", "list", "watch"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Role, ClusterRole]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
package compliance.rules.kubernetes.rbac_escalation_verb

import rego.v1

import data.compliance.lib.k8s

_escalation_verbs := {"escalate", "bind", "impersonate"}

deny contains {"msg": msg, "path": array.concat(r.path, ["verbs"])} if {
	some r in k8s.rbac_rules
	verbs := {lower(v) | some v in k8s.rbac_values(r.rule, "verbs")} & _escalation_verbs
	count(verbs) > 0
	resources := concat(", ", sort(k8s.rbac_values(r.rule, "resources")))
	msg := sprintf("%s rules[%d] grants %s on [%s]", [k8s.object_label, r.index, concat(", ", sort(verbs)), resources])
}
