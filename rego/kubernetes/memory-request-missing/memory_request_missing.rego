# METADATA
# title: Missing memory request
# description: >-
#   The container has no memory request, so the scheduler places it without reserving
#   memory and, under memory pressure, the kubelet evicts it among the first. Decision: a
#   memory limit without a request passes, because the API then sets the request to the
#   limit; ephemeral containers are not checked, since they may not set resources.
# custom:
#   id: K8S-023
#   severity: medium
#   remediation: |
#     Set resources.requests.memory on every container and init container.
#
#     ```yaml
#     resources:
#       requests:
#         memory: 256Mi
#       limits:
#         memory: 256Mi
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
package compliance.rules.kubernetes.memory_request_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.resource_containers
	not k8s.has_request(x, "memory")
	not k8s.has_limit(x, "memory")
	msg := sprintf("%s has no memory request", [k8s.container_label(x)])
	path := array.concat(x.path, ["resources", "requests", "memory"])
}
