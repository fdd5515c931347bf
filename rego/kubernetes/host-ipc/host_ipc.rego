# METADATA
# title: Shared host IPC namespace
# description: The pod shares the node's IPC namespace, so it can read and write shared memory of other processes on the node.
# custom:
#   id: K8S-004
#   severity: high
#   remediation: |
#     Remove hostIPC from the pod spec or set it to false.
#
#     ```yaml
#     hostIPC: false
#     containers:
#       - name: app
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package compliance.rules.kubernetes.host_ipc

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	k8s.pod_spec.hostIPC == true
	msg := "pod shares the host IPC namespace (hostIPC: true)"
	path := array.concat(k8s.pod_spec_path, ["hostIPC"])
}
