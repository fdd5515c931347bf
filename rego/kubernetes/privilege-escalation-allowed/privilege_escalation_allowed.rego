# METADATA
# title: Privilege escalation allowed
# description: A process in the container can gain more privileges than its parent through setuid binaries or file capabilities.
# custom:
#   id: K8S-006
#   severity: medium
#   remediation: |
#     Set securityContext.allowPrivilegeEscalation to false on every container.
#
#     ```yaml
#     containers:
#       - name: app
#         securityContext:
#           allowPrivilegeEscalation: false
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
package compliance.rules.kubernetes.privilege_escalation_allowed

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	not k8s.effective_security_setting(x, "allowPrivilegeEscalation")
	msg := sprintf("%s allows privilege escalation (allowPrivilegeEscalation not set)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "allowPrivilegeEscalation"])
}

deny contains {"msg": msg, "path": s.path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "allowPrivilegeEscalation")
	s.value != false
	msg := sprintf("%s allows privilege escalation (%s: %v)", [k8s.container_label(x), s.ref, s.value])
}
