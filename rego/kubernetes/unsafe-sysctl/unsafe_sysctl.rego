# METADATA
# title: Unsafe sysctl
# description: >-
#   The pod sets a kernel parameter (sysctl) outside the safe set of the Pod Security
#   Standards; such parameters are not isolated per pod, so changing them can weaken
#   security or destabilise every workload on the node. Decision: the safe set is the
#   Baseline list (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
#   net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range,
#   net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
#   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes) plus the allowed_sysctls
#   parameter; a name written with "/" separators (net/ipv4/tcp_syncookies) is the same
#   sysctl as its dotted form.
# custom:
#   id: K8S-018
#   severity: medium
#   remediation: |
#     Remove the sysctl from the pod, or tune it on the nodes instead. Keep only safe ones.
#
#     ```yaml
#     securityContext:
#       sysctls:
#         - name: net.ipv4.ip_local_port_range
#           value: "1024 65535"
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params:
#     allowed_sysctls: []
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
package compliance.rules.kubernetes.unsafe_sysctl

import rego.v1

import data.compliance.lib.k8s

_safe := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
}

_allowed := p if {
	p := data.compliance.params.allowed_sysctls
	is_array(p)
} else := []

# With "/" separators a "." belongs to a segment (net/ipv4/conf/eth0.100/rp_filter), so
# dots and slashes swap roles.
_dotted(name) := replace(replace(replace(name, ".", "\u0000"), "/", "."), "\u0000", "/") if contains(name, "/")

else := name

_is_safe(name) if _dotted(name) in _safe

_is_safe(name) if {
	some a in _allowed
	is_string(a)
	_dotted(a) == _dotted(name)
}

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some i, s in k8s.pod_spec.securityContext.sysctls
	name := s.name
	is_string(name)
	not _is_safe(name)
	msg := sprintf("pod sets the unsafe sysctl %q (securityContext.sysctls[%d].name)", [name, i])
	path := array.concat(k8s.pod_spec_path, ["securityContext", "sysctls", i, "name"])
}
