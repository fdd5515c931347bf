# METADATA
# title: Argo CD AppProject allows any source or destination
# description: >-
#   An Argo CD AppProject allows every source repository, every destination cluster or
#   every destination namespace ("*"), so any Application in the project, and anyone
#   allowed to create one, can deploy code from anywhere into any cluster or namespace,
#   production included (PCI-DSS 7.2 least privilege and 1.2 segmentation, SOC 2
#   CC6.1). Decisions: only a bare "*" is reported; a scoped pattern such as
#   "https://github.com/example-org/*" or "payments-*" is a deliberate restriction. A
#   destination is checked on server, name and namespace separately, so one entry may
#   give two findings. Applies in every environment, since one project often spans
#   them. Cluster-scoped kind allow-lists are left to a separate check.
# custom:
#   id: K8S-062
#   severity: high
#   remediation: |
#     List the repositories and the cluster/namespace pairs the project's Applications
#     need.
#
#     ```yaml
#     apiVersion: argoproj.io/v1alpha1
#     kind: AppProject
#     metadata:
#       name: payments-production
#     spec:
#       sourceRepos:
#         - https://github.com/example-org/payments-gitops.git
#       destinations:
#         - server: https://production-us-east-1.k8s.example.com
#           namespace: payments
#     ```
#   applies_to:
#     family: kubernetes
#     types: [AppProject]
#   environments: []
#   params: {}
#   references:
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
#     - https://argo-cd.readthedocs.io/en/stable/operator-manual/project-specification/
package compliance.rules.kubernetes.argocd_project_wildcard

import rego.v1

_name := object.get(input, ["metadata", "name"], "")

_argo if startswith(input.apiVersion, "argoproj.io/")

deny contains {"msg": msg, "path": ["spec", "sourceRepos", i]} if {
	_argo
	some i, repo in input.spec.sourceRepos
	repo == "*"
	msg := sprintf(`AppProject %q allows any source repository (spec.sourceRepos[%d]: "*")`, [_name, i])
}

_destination_fields := {"server": "cluster", "name": "cluster", "namespace": "namespace"}

deny contains {"msg": msg, "path": ["spec", "destinations", i, field]} if {
	_argo
	some i, destination in input.spec.destinations
	some field, what in _destination_fields
	destination[field] == "*"
	msg := sprintf(`AppProject %q allows deploying to any %s (spec.destinations[%d].%s: "*")`, [_name, what, i, field])
}
