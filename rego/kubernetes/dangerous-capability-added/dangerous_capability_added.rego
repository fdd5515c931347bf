# METADATA
# title: Dangerous capability added
# description: >-
#   The container adds a Linux capability that breaks container isolation: SYS_ADMIN and
#   SYS_MODULE allow escaping to the node, NET_ADMIN and NET_RAW allow tampering with and
#   spoofing network traffic, SYS_PTRACE and DAC_READ_SEARCH allow reading other
#   processes and files, and ALL grants every one of them. Decision: a capability is
#   matched in any case and with or without the CAP_ prefix; SYS_ADMIN added without
#   privileged is this rule's finding, not K8S-001's (privileged-container), and a
#   privileged container that also adds one is reported by both.
# custom:
#   id: K8S-015
#   severity: high
#   remediation: |
#     Drop ALL capabilities and add back only harmless ones such as NET_BIND_SERVICE.
#
#     ```yaml
#     securityContext:
#       capabilities:
#         drop: ["ALL"]
#         add: ["NET_BIND_SERVICE"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params:
#     dangerous_capabilities: [ALL, SYS_ADMIN, NET_ADMIN, NET_RAW, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH]
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://man7.org/linux/man-pages/man7/capabilities.7.html
package compliance.rules.kubernetes.dangerous_capability_added

import rego.v1

import data.compliance.lib.k8s

_default := ["ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"]

_dangerous := {_normalise(c) | some c in _configured; is_string(c)}

_configured := p if {
	p := data.compliance.params.dangerous_capabilities
	is_array(p)
} else := _default

# "cap_sys_admin" and "SYS_ADMIN" name the same capability.
_normalise(c) := trim_prefix(upper(c), "CAP_")

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	some j, cap in x.container.securityContext.capabilities.add
	is_string(cap)
	name := _normalise(cap)
	name in _dangerous
	msg := sprintf("%s adds the capability %s (securityContext.capabilities.add[%d]: %q)", [k8s.container_label(x), name, j, cap])
	path := array.concat(x.path, ["securityContext", "capabilities", "add", j])
}
