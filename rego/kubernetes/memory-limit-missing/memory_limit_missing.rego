# METADATA
# title: Missing memory limit
# description: The container has no memory limit, so a leak or a load spike can exhaust node memory and get other pods evicted or OOM-killed.
# custom:
#   id: K8S-009
#   severity: medium
#   remediation: |
#     Set resources.limits.memory on every container and init container.
#
#     ```yaml
#     containers:
#       - name: app
#         resources:
#           requests:
#             memory: 256Mi
#           limits:
#             memory: 256Mi
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
package compliance.rules.kubernetes.memory_limit_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.resource_containers
	not k8s.has_limit(x, "memory")
	msg := sprintf("%s has no memory limit", [k8s.container_label(x)])
	path := array.concat(x.path, ["resources", "limits", "memory"])
}
