# METADATA
# title: Missing seccomp profile
# description: The container runs without a seccomp filter, so it can make any system call, which widens the kernel attack surface.
# custom:
#   id: K8S-012
#   severity: medium
#   remediation: |
#     Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or the container.
#
#     ```yaml
#     securityContext:
#       seccompProfile:
#         type: RuntimeDefault
#     containers:
#       - name: app
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tutorials/security/seccomp/
package compliance.rules.kubernetes.seccomp_profile_missing

import rego.v1

import data.compliance.lib.k8s

_allowed_types := {"RuntimeDefault", "Localhost"}

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	not k8s.effective_security_setting(x, "seccompProfile")
	msg := sprintf("%s has no seccomp profile (seccompProfile not set on container or pod)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "seccompProfile", "type"])
}

deny contains {"msg": msg, "path": array.concat(s.path, ["type"])} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "seccompProfile")
	s.value.type == "Unconfined"
	msg := sprintf("%s runs seccomp unconfined (%s.type: Unconfined)", [k8s.container_label(x), s.ref])
}

deny contains {"msg": msg, "path": array.concat(s.path, ["type"])} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "seccompProfile")
	not _has_type(s.value)
	msg := sprintf("%s has no seccomp profile type (%s.type not set)", [k8s.container_label(x), s.ref])
}

deny contains {"msg": msg, "path": array.concat(s.path, ["type"])} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	s := k8s.effective_security_setting(x, "seccompProfile")
	t := s.value.type
	_has_type(s.value)
	not t in (_allowed_types | {"Unconfined"})
	msg := sprintf("%s has an unknown seccomp profile type (%s.type: %v)", [k8s.container_label(x), s.ref, t])
}

_has_type(profile) if {
	t := profile.type
	not t in {null, ""}
}
