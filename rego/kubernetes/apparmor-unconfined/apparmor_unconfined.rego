# METADATA
# title: AppArmor unconfined
# description: >-
#   The container runs with AppArmor explicitly set to unconfined, which removes the
#   mandatory access control that blocks writes to /proc, mounts and other escape paths.
#   Decision: both the securityContext.appArmorProfile field (the container's own value
#   wins over the pod's) and the legacy container.apparmor.security.beta.kubernetes.io
#   annotation are read, and each place that says unconfined is reported, since both
#   must be changed; a container with no AppArmor setting passes, because the runtime
#   then applies its default profile.
# custom:
#   id: K8S-016
#   severity: high
#   remediation: |
#     Remove the Unconfined setting, or set the profile to RuntimeDefault (or a Localhost profile).
#
#     ```yaml
#     securityContext:
#       appArmorProfile:
#         type: RuntimeDefault
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/tutorials/security/apparmor/
package compliance.rules.kubernetes.apparmor_unconfined

import rego.v1

import data.compliance.lib.k8s

_annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	some x in k8s.containers
	setting := k8s.effective_security_setting(x, "appArmorProfile")
	setting.value.type == "Unconfined"
	msg := sprintf("%s runs without AppArmor confinement (%s.type: Unconfined)", [k8s.container_label(x), setting.ref])
	path := array.concat(setting.path, ["type"])
}

deny contains {"msg": msg, "path": path} if {
	not k8s.is_windows_pod
	annotations := object.get(input, array.concat(k8s.pod_metadata_path, ["annotations"]), {})
	some x in k8s.containers
	key := concat("", [_annotation_prefix, x.container.name])
	annotations[key] == "unconfined"
	msg := sprintf("%s runs without AppArmor confinement (annotation %s: unconfined)", [k8s.container_label(x), key])
	path := array.concat(k8s.pod_metadata_path, ["annotations", key])
}
