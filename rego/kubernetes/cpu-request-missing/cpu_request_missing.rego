# METADATA
# title: Missing CPU request
# description: >-
#   The container has no CPU request, so the scheduler reserves no CPU for it and, when the
#   node is busy, it gets only a minimal share and slows down unpredictably. Decision: a CPU
#   limit without a request passes, because the API then sets the request to the limit;
#   ephemeral containers are not checked, since they may not set resources. Severity is
#   low because CPU starvation throttles but does not kill.
# custom:
#   id: K8S-024
#   severity: low
#   remediation: |
#     Set resources.requests.cpu on every container and init container.
#
#     ```yaml
#     resources:
#       requests:
#         cpu: 250m
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
#     - https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
package compliance.rules.kubernetes.cpu_request_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.resource_containers
	not k8s.has_request(x, "cpu")
	not k8s.has_limit(x, "cpu")
	msg := sprintf("%s has no CPU request", [k8s.container_label(x)])
	path := array.concat(x.path, ["resources", "requests", "cpu"])
}
