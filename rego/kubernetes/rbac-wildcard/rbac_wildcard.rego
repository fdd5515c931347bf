# METADATA
# title: RBAC wildcard
# description: >-
#   A Role or ClusterRole grants "*" verbs or "*" resources, which grants every current and
#   future verb or resource type, including ones added later by CRDs, and makes the role
#   impossible to review. Decision: "*" in verbs and "*" (or "*/subresource") in resources
#   are each reported; a wildcard apiGroups with named resources is not, since the
#   resources still limit it, and wildcard verbs also cover escalate, bind and impersonate
#   but are reported only here, not again by K8S-034.
# custom:
#   id: K8S-032
#   severity: high
#   remediation: |
#     List the verbs and resources the subject needs.
#
#     ```yaml
#     rules:
#       - apiGroups: ["apps"]
#         resources: ["deployments"]
#         verbs: ["get", "list", "watch"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Role, ClusterRole]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
#     - https://kubernetes.io/docs/reference/access-authn-authz/rbac/
package compliance.rules.kubernetes.rbac_wildcard

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": array.concat(r.path, ["verbs"])} if {
	some r in k8s.rbac_rules
	"*" in k8s.rbac_values(r.rule, "verbs")
	msg := sprintf("%s rules[%d] grants every verb (verbs: *)", [k8s.object_label, r.index])
}

deny contains {"msg": msg, "path": array.concat(r.path, ["resources"])} if {
	some r in k8s.rbac_rules
	wild := {v | some v in k8s.rbac_values(r.rule, "resources"); _wildcard_resource(v)}
	count(wild) > 0
	msg := sprintf("%s rules[%d] grants every resource (resources: %s)", [k8s.object_label, r.index, concat(", ", sort(wild))])
}

_wildcard_resource(v) if v == "*"

_wildcard_resource(v) if startswith(v, "*/")
