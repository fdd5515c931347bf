# METADATA
# title: Image pull policy not Always for a mutable tag
# description: >-
#   The image is referenced by a tag and the kubelet may start it from the node's cache, so
#   pods can run a stale or tampered copy of the tag, and another pod on the same node can
#   start a cached private image without pull credentials. Decision: every image not
#   pinned by a well-formed digest counts as mutable; the policy checked is the one the API
#   applies, so an unset imagePullPolicy on a :latest or untagged image passes (it defaults
#   to Always), while an unset policy on any other tag fails (it defaults to IfNotPresent).
#   Digest-pinned images pass whatever their policy.
# custom:
#   id: K8S-022
#   severity: low
#   remediation: |
#     Pin the image by digest, or set imagePullPolicy to Always.
#
#     ```yaml
#     containers:
#       - name: api
#         image: registry.example.com/payments/api:1.8.3
#         imagePullPolicy: Always
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
#     - https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages
package compliance.rules.kubernetes.image_pull_policy_not_always

import rego.v1

import data.compliance.lib.k8s

_mutable contains [x, image] if {
	some x in k8s.containers
	image := x.container.image
	is_string(image)
	image != ""
	not k8s.is_pinned_by_digest(image)
}

# The API's default: Always for :latest or no tag, IfNotPresent otherwise.
_defaults_to_always(image) if not k8s.image_tag(image)

_defaults_to_always(image) if k8s.image_tag(image) == "latest"

deny contains {"msg": msg, "path": array.concat(x.path, ["imagePullPolicy"])} if {
	some [x, image] in _mutable
	policy := x.container.imagePullPolicy
	is_string(policy)
	policy != "Always"
	msg := sprintf("%s pulls a mutable tag with imagePullPolicy %s (image: %q)", [k8s.container_label(x), policy, image])
}

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	some [x, image] in _mutable
	not _policy_set(x)
	not _defaults_to_always(image)
	msg := sprintf("%s pulls a mutable tag with imagePullPolicy not set, which defaults to IfNotPresent (image: %q)", [k8s.container_label(x), image])
}

# A helper, not `not is_string(...)` inline: OPA hoists the reference out of the
# negation, so an absent field would make the whole rule undefined there.
_policy_set(x) if is_string(x.container.imagePullPolicy)
