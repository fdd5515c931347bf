# METADATA
# title: Privileged container
# description: A container runs privileged, which gives it root-equivalent access to the node.
# custom:
#   id: K8S-001
#   severity: high
#   remediation: |
#     Remove securityContext.privileged or set it to false.
#
#     ```yaml
#     containers:
#       - name: app
#         securityContext:
#           privileged: false
#           allowPrivilegeEscalation: false
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package compliance.rules.kubernetes.privileged_container

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	x.container.securityContext.privileged == true
	msg := sprintf("%s runs privileged (securityContext.privileged: true)", [k8s.container_label(x)])
	path := array.concat(x.path, ["securityContext", "privileged"])
}
