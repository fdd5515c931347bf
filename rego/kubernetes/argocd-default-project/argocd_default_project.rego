# METADATA
# title: Argo CD Application in the default project
# description: >-
#   A production Argo CD Application belongs to the "default" AppProject, which Argo CD
#   creates allowing any source repository, any destination cluster and namespace, and
#   any cluster-scoped kind, so nothing limits what the Application may deploy where,
#   and RBAC cannot separate production from other teams' apps (PCI-DSS 7.2 least
#   privilege, SOC 2 CC6.1). Decisions: an empty or missing spec.project counts as
#   "default", as Argo CD treats it. Only production Applications are checked, as the
#   issue scopes it; Applications of other Custom Resource groups named Application
#   (app.k8s.io) are ignored.
# custom:
#   id: K8S-060
#   severity: medium
#   remediation: |
#     Create an AppProject for the production service that lists its repositories and
#     destinations, and assign the Application to it.
#
#     ```yaml
#     spec:
#       project: payments-production
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Application]
#   environments: [production]
#   params: {}
#   references:
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#the-default-project
package compliance.rules.kubernetes.argocd_default_project

import rego.v1

_project := p if {
	p := input.spec.project
	is_string(p)
	p != ""
} else := "default"

deny contains {"msg": msg, "path": ["spec", "project"]} if {
	startswith(input.apiVersion, "argoproj.io/")
	_project == "default"
	msg := sprintf(
		"Application %q is in the default AppProject (spec.project: %s), which allows any source, destination and cluster-scoped kind",
		[object.get(input, ["metadata", "name"], ""), object.get(input, ["spec", "project"], "not set")],
	)
}
