# METADATA
# title: Shared host PID namespace
# description: The pod shares the node's process ID namespace, so it can see and signal every process on the node.
# custom:
#   id: K8S-003
#   severity: high
#   remediation: |
#     Remove hostPID from the pod spec or set it to false.
#
#     ```yaml
#     hostPID: false
#     containers:
#       - name: app
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package compliance.rules.kubernetes.host_pid

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	k8s.pod_spec.hostPID == true
	msg := "pod shares the host process ID namespace (hostPID: true)"
	path := array.concat(k8s.pod_spec_path, ["hostPID"])
}
