# METADATA
# title: Process namespace shared between containers
# description: >-
#   The pod sets shareProcessNamespace, so every container sees and can signal the others'
#   processes and read their filesystems and environment through /proc/<pid>/root and
#   /proc/<pid>/environ, including secrets mounted only into a sidecar. Severity is low
#   because the exposure stays within the pod.
# custom:
#   id: K8S-019
#   severity: low
#   remediation: |
#     Remove shareProcessNamespace (or set it to false); debug with an ephemeral container
#     targeting one container instead.
#
#     ```yaml
#     spec:
#       shareProcessNamespace: false
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/
package compliance.rules.kubernetes.process_namespace_shared

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": "pod shares one process namespace between its containers (shareProcessNamespace: true)", "path": path} if {
	k8s.pod_spec.shareProcessNamespace == true
	path := array.concat(k8s.pod_spec_path, ["shareProcessNamespace"])
}
