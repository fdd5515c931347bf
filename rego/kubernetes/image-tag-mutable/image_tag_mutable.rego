# METADATA
# title: Mutable image tag
# description: The image is referenced by no tag or by latest and not by digest, so what runs can change without a change to the manifest.
# custom:
#   id: K8S-011
#   severity: medium
#   remediation: |
#     Reference the image by a fixed version tag, or better by digest (image@sha256:...).
#
#     ```yaml
#     containers:
#       - name: app
#         image: registry.example.com/team/app:1.8.3@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e
#         # or at least a fixed tag: registry.example.com/team/app:1.8.3
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://kubernetes.io/docs/concepts/configuration/overview/#container-images
package compliance.rules.kubernetes.image_tag_mutable

import rego.v1

import data.compliance.lib.k8s

_unpinned contains [x, image] if {
	some x in k8s.containers
	image := x.container.image
	is_string(image)
	image != ""
	not k8s.is_pinned_by_digest(image)
}

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	some [x, image] in _unpinned
	not k8s.image_tag(image)
	msg := sprintf("%s has no image tag or digest (image: %q)", [k8s.container_label(x), image])
}

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	some [x, image] in _unpinned
	k8s.image_tag(image) == "latest"
	msg := sprintf("%s uses the mutable tag latest (image: %q)", [k8s.container_label(x), image])
}
