# METADATA
# title: Image not pinned by digest
# description: >-
#   The image is referenced by a tag, and any tag can be moved to other content, so the
#   image that runs is not provably the one that was reviewed and scanned. Decision: only
#   a well-formed digest pins an image ("@sha256:" and 64 lower-case hex characters, or
#   "@sha512:" and 128); "nginx@sha256:123" is reported as a malformed digest, and a tag
#   next to a valid digest ("nginx:1.27@sha256:...") is pinned, because the runtime pulls
#   by the digest. Severity is low because K8S-011 already reports the worst case
#   (no tag or latest).
# custom:
#   id: K8S-020
#   severity: low
#   remediation: |
#     Reference the image by its digest; keep the tag for readability if you like.
#
#     ```yaml
#     containers:
#       - name: api
#         image: registry.example.com/payments/api:1.8.3@sha256:4f1c8e7d2a6b9c0e3f5a7d1b8c2e4f6a9b0c3d5e7f1a2b4c6d8e0f2a4b6c8d0e
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://slsa.dev/spec/v1.0/threats
package compliance.rules.kubernetes.image_not_pinned_by_digest

import rego.v1

import data.compliance.lib.k8s

_images contains [x, image] if {
	some x in k8s.containers
	image := x.container.image
	is_string(image)
	image != ""
	not k8s.is_pinned_by_digest(image)
}

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	some [x, image] in _images
	not k8s.image_digest(image)
	msg := sprintf("%s image is not pinned by digest (image: %q)", [k8s.container_label(x), image])
}

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	some [x, image] in _images
	k8s.image_digest(image)
	msg := sprintf("%s image has a malformed digest (image: %q)", [k8s.container_label(x), image])
}
