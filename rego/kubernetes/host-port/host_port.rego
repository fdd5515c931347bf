# METADATA
# title: Container binds a host port
# description: >-
#   A container port is bound to a port of the node (hostPort), which exposes the
#   container on the node's network outside Services and NetworkPolicies and limits
#   scheduling to one such pod per node. Decision: only an explicit non-zero hostPort is
#   flagged; the ports a hostNetwork pod opens are K8S-002's finding, not this rule's.
#   Ports listed in the allowed_host_ports parameter pass.
# custom:
#   id: K8S-014
#   severity: medium
#   remediation: |
#     Remove hostPort and expose the container through a Service (ClusterIP, or a
#     LoadBalancer / Ingress for outside traffic).
#
#     ```yaml
#     ports:
#       - name: http
#         containerPort: 8080
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params:
#     allowed_host_ports: []
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/concepts/configuration/overview/#services
package compliance.rules.kubernetes.host_port

import rego.v1

import data.compliance.lib.k8s

_allowed := p if {
	p := data.compliance.params.allowed_host_ports
	is_array(p)
} else := []

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	some j, port in x.container.ports
	hp := port.hostPort
	is_number(hp)
	hp != 0
	not hp in _allowed
	msg := sprintf("%s binds host port %v (ports[%d].hostPort)", [k8s.container_label(x), hp, j])
	path := array.concat(x.path, ["ports", j, "hostPort"])
}
