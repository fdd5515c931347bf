# METADATA
# title: Default ServiceAccount used
# description: >-
#   The pod runs as its namespace's default ServiceAccount, so it has no identity of its
#   own: any RBAC permission or cloud IAM role granted to it is shared with every other pod
#   of the namespace that also omits serviceAccountName. Decision: an unset
#   serviceAccountName (and the deprecated serviceAccount field) means "default"; the
#   finding stands even when the token is not mounted, because the identity is still
#   shared (token mounting is K8S-028's finding).
# custom:
#   id: K8S-029
#   severity: low
#   remediation: |
#     Create a ServiceAccount for the workload and reference it.
#
#     ```yaml
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata:
#       name: payments-api
#       namespace: payments
#     automountServiceAccountToken: false
#     ---
#     # in the pod template
#     spec:
#       serviceAccountName: payments-api
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
#     - https://kubernetes.io/docs/concepts/security/rbac-good-practices/
package compliance.rules.kubernetes.default_service_account

import rego.v1

import data.compliance.lib.k8s

# serviceAccountName wins; serviceAccount is its deprecated alias.
_account := [name, "serviceAccountName"] if {
	name := k8s.pod_spec.serviceAccountName
	is_string(name)
	name != ""
} else := [name, "serviceAccount"] if {
	name := k8s.pod_spec.serviceAccount
	is_string(name)
	name != ""
}

deny contains {"msg": "pod uses the default ServiceAccount (serviceAccountName not set)", "path": path} if {
	k8s.pod_spec
	not _account
	path := k8s.pod_spec_path
}

deny contains {"msg": msg, "path": path} if {
	[name, field] := _account
	name == "default"
	msg := sprintf("pod uses the default ServiceAccount (%s: default)", [field])
	path := array.concat(k8s.pod_spec_path, [field])
}
