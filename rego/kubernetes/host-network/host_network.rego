# METADATA
# title: Shared host network namespace
# description: The pod shares the node's network namespace, so it can reach node-local services and sniff or spoof host traffic.
# custom:
#   id: K8S-002
#   severity: high
#   remediation: |
#     Remove hostNetwork from the pod spec or set it to false.
#
#     ```yaml
#     hostNetwork: false
#     containers:
#       - name: app
#         ports:
#           - containerPort: 8080
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
package compliance.rules.kubernetes.host_network

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	k8s.pod_spec.hostNetwork == true
	msg := "pod shares the host network namespace (hostNetwork: true)"
	path := array.concat(k8s.pod_spec_path, ["hostNetwork"])
}
