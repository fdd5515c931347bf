# METADATA
# title: Unmasked /proc mount
# description: >-
#   The container mounts /proc with procMount Unmasked, so the kernel paths the runtime
#   normally masks (such as /proc/sys and /proc/sysrq-trigger) become visible and, for a
#   privileged process, writable, which opens paths to the node kernel.
# custom:
#   id: K8S-017
#   severity: high
#   remediation: |
#     Remove securityContext.procMount or set it to Default.
#
#     ```yaml
#     securityContext:
#       procMount: Default
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
package compliance.rules.kubernetes.proc_mount_unmasked

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	x.container.securityContext.procMount == "Unmasked"
	msg := sprintf("%s mounts /proc unmasked (securityContext.procMount: Unmasked)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "procMount"])
}
