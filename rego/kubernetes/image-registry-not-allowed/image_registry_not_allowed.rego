# METADATA
# title: Image registry not allowed
# description: >-
#   The image comes from a registry outside the organisation's allowed list, so it may
#   bypass the scanning, signing and provenance checks applied to approved registries.
#   Decision: with the default empty allowed_registries the rule has no list to check
#   against and every container passes; set the parameter to enforce it. An entry is a
#   registry host ("registry.example.com", "registry.example.com:5000") or a repository
#   prefix ("ghcr.io/acme"), matched on whole path segments, so "ghcr.io/acme" does not
#   allow "ghcr.io/acme-evil/x" and "registry.example.com" does not allow
#   "registry.example.com.evil.io". Images without a registry host ("nginx",
#   "bitnami/redis") come from Docker Hub and are matched as "docker.io/library/nginx" and
#   "docker.io/bitnami/redis".
# custom:
#   id: K8S-021
#   severity: medium
#   remediation: |
#     Push the image to an approved registry and reference it there, or add the registry
#     to allowed_registries in compliance.yaml after review.
#
#     ```yaml
#     # compliance.yaml
#     params:
#       K8S-021:
#         allowed_registries: ["registry.example.com", "ghcr.io/acme"]
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params:
#     allowed_registries: []
#   references:
#     - https://kubernetes.io/docs/concepts/containers/images/#image-names
#     - https://open-policy-agent.github.io/gatekeeper-library/website/validation/allowedrepos/
package compliance.rules.kubernetes.image_registry_not_allowed

import rego.v1

import data.compliance.lib.k8s

_allowed := [lower(trim_right(a, "/")) | some a in _configured; is_string(a); a != ""]

_configured := p if {
	p := data.compliance.params.allowed_registries
	is_array(p)
} else := []

_is_allowed(repo) if {
	some a in _allowed
	_entry_matches(repo, a)
}

_entry_matches(repo, a) if lower(repo) == a

_entry_matches(repo, a) if startswith(lower(repo), concat("", [a, "/"]))

deny contains {"msg": msg, "path": array.concat(x.path, ["image"])} if {
	count(_allowed) > 0
	some x in k8s.containers
	image := x.container.image
	is_string(image)
	image != ""
	repo := k8s.image_repository(image)
	not _is_allowed(repo)
	msg := sprintf("%s pulls from registry %q, which is not in allowed_registries (image: %q)", [k8s.container_label(x), k8s.image_registry(image), image])
}
