# METADATA
# title: Missing CPU limit
# description: The container has no CPU limit, so a busy or compromised process can starve other workloads on the node.
# custom:
#   id: K8S-010
#   severity: low
#   remediation: |
#     Set resources.limits.cpu on every container and init container.
#
#     ```yaml
#     containers:
#       - name: app
#         resources:
#           requests:
#             cpu: 250m
#           limits:
#             cpu: 500m
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
package compliance.rules.kubernetes.cpu_limit_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.resource_containers
	not k8s.has_limit(x, "cpu")
	msg := sprintf("%s has no CPU limit", [k8s.container_label(x)])
	path := array.concat(x.path, ["resources", "limits", "cpu"])
}
