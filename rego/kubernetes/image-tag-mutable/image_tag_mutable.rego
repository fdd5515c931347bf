# METADATA
# title: Mutable image tag
# description: The image is referenced by no tag or by latest and not by digest, so what runs can change without a change to the manifest.
# custom:
#   id: K8S-011
#   severity: medium
#   remediation: Reference the image by a fixed version tag, or better by digest (image@sha256:...).
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
