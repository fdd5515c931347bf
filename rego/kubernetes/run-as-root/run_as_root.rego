# METADATA
# title: Container running as root
# description: A container may run as UID 0 or GID 0, so a breakout from it starts with root privileges on the node.
# custom:
#   id: K8S-005
#   severity: high
#   remediation: |
#     Set securityContext.runAsNonRoot to true on the pod or the container, and set runAsUser and runAsGroup to non-zero IDs.
#
#     ```yaml
#     securityContext:
#       runAsNonRoot: true
#       runAsUser: 10001
#       runAsGroup: 10001
#     containers:
#       - name: app
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
package compliance.rules.kubernetes.run_as_root

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	not k8s.effective_security_setting(x, "runAsNonRoot")
	msg := sprintf("%s may run as root (runAsNonRoot not set on container or pod)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "runAsNonRoot"])
}

deny contains {"msg": msg, "path": s.path} if {
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "runAsNonRoot")
	s.value != true
	msg := sprintf("%s may run as root (%s: %v)", [k8s.container_label(x), s.ref, s.value])
}

deny contains {"msg": msg, "path": s.path} if {
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "runAsUser")
	s.value == 0
	msg := sprintf("%s runs as root (%s: 0)", [k8s.container_label(x), s.ref])
}

deny contains {"msg": msg, "path": s.path} if {
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "runAsGroup")
	s.value == 0
	msg := sprintf("%s runs with the root group (%s: 0)", [k8s.container_label(x), s.ref])
}
