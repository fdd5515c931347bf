# METADATA
# title: Writable root filesystem
# description: The container can write to its root filesystem, so an attacker can modify binaries and persist tools inside it.
# custom:
#   id: K8S-007
#   severity: medium
#   remediation: |
#     Set securityContext.readOnlyRootFilesystem to true and mount writable paths as emptyDir or other volumes.
#
#     ```yaml
#     containers:
#       - name: app
#         securityContext:
#           readOnlyRootFilesystem: true
#         volumeMounts:
#           - name: tmp
#             mountPath: /tmp
#     volumes:
#       - name: tmp
#         emptyDir: {}
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
package compliance.rules.kubernetes.writable_root_filesystem

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	not k8s.effective_security_setting(x, "readOnlyRootFilesystem")
	msg := sprintf("%s has a writable root filesystem (readOnlyRootFilesystem not set)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "readOnlyRootFilesystem"])
}

deny contains {"msg": msg, "path": s.path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "readOnlyRootFilesystem")
	s.value != true
	msg := sprintf("%s has a writable root filesystem (%s: %v)", [k8s.container_label(x), s.ref, s.value])
}
