# METADATA
# title: Missing ephemeral-storage limit
# description: >-
#   The container has no ephemeral-storage limit, so logs, caches or emptyDir writes can
#   fill the node's disk until the kubelet evicts pods across the node. Decision: only
#   resources.limits["ephemeral-storage"] counts (a sizeLimit on an emptyDir bounds that
#   volume but not the writable layer or the logs); ephemeral containers are not checked,
#   since they may not set resources.
# custom:
#   id: K8S-027
#   severity: low
#   remediation: |
#     Set resources.limits.ephemeral-storage on every container and init container.
#
#     ```yaml
#     resources:
#       limits:
#         ephemeral-storage: 1Gi
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
package compliance.rules.kubernetes.ephemeral_storage_limit_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.resource_containers
	not k8s.has_limit(x, "ephemeral-storage")
	msg := sprintf("%s has no ephemeral-storage limit", [k8s.container_label(x)])
	path := array.concat(x.path, ["resources", "limits", "ephemeral-storage"])
}
