# METADATA
# title: Missing liveness probe
# description: >-
#   The long-running container has no liveness probe, so a process that hangs without
#   exiting (a deadlock, an exhausted pool) keeps running and is never restarted. Decision:
#   app containers and native sidecars (init containers with restartPolicy Always) are
#   checked; plain init containers, ephemeral containers, Jobs and CronJobs are not, since
#   they run to completion.
# custom:
#   id: K8S-025
#   severity: low
#   remediation: |
#     Add a livenessProbe that fails only when the process cannot recover by itself.
#
#     ```yaml
#     livenessProbe:
#       httpGet:
#         path: /healthz
#         port: 8080
#       periodSeconds: 10
#       failureThreshold: 3
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
#     - https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
package compliance.rules.kubernetes.liveness_probe_missing

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.long_running_containers
	not _has_probe(x)
	msg := sprintf("%s has no liveness probe", [k8s.container_label(x)])
	path := array.concat(x.path, ["livenessProbe"])
}

# A helper, not `not is_object(...)` inline: OPA hoists the reference out of the
# negation, so an absent probe would make the whole rule undefined there.
_has_probe(x) if is_object(x.container.livenessProbe)
