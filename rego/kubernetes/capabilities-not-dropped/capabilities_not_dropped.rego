# METADATA
# title: Capabilities not dropped
# description: The container keeps the runtime's default Linux capabilities, such as NET_RAW, which widen what a compromised process can do.
# custom:
#   id: K8S-008
#   severity: medium
#   remediation: |
#     Set securityContext.capabilities.drop to ["ALL"] and add back only the capabilities the container needs.
#
#     ```yaml
#     containers:
#       - name: app
#         securityContext:
#           capabilities:
#             drop: ["ALL"]
#             add: ["NET_BIND_SERVICE"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
#     - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
package compliance.rules.kubernetes.capabilities_not_dropped

import rego.v1

import data.compliance.lib.k8s

_drop(x) := d if {
	d := x.container.securityContext.capabilities.drop
	d != null
}

_drops_all(x) if {
	some c in _drop(x)
	is_string(c)
	upper(c) == "ALL"
}

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	not _drop(x)
	msg := sprintf("%s does not drop all capabilities (securityContext.capabilities.drop not set)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "capabilities", "drop"])
}

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	d := _drop(x)
	not _drops_all(x)
	msg := sprintf("%s does not drop all capabilities (securityContext.capabilities.drop: %v)", [k8s.container_label(x), d])
	path := array.concat(x.path, ["securityContext", "capabilities", "drop"])
}
