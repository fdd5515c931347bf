# Shared helpers for Kubernetes rules.
#
# `input` is one Kubernetes manifest. Every helper reads the pod spec through
# `pod_spec_path`, so rules work the same on Pods, pod templates and CronJobs.
package compliance.lib.k8s

import rego.v1

# Kinds whose pod spec sits at spec.template.spec.
_template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# Path from the manifest root to the pod spec; undefined for other kinds.
pod_spec_path := ["spec"] if input.kind == "Pod"

pod_spec_path := ["spec", "template", "spec"] if input.kind in _template_kinds

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

# The pod spec object; undefined when the manifest has none.
pod_spec := spec if {
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

# True when the pod declares spec.os.name: windows. The API forbids Linux-only
# securityContext fields on such pods (allowPrivilegeEscalation, capabilities,
# readOnlyRootFilesystem, seccompProfile, ...), so rules on them skip these pods.
is_windows_pod if pod_spec.os.name == "windows"

# Container list field -> the word used for its members in messages.
_container_lists := {
	"containers": "container",
	"initContainers": "initContainer",
	"ephemeralContainers": "ephemeralContainer",
}

# Every container of every list:
# {"container": <object>, "path": [..., "containers", 0], "kind": "container"}.
containers contains {"container": c, "path": array.concat(pod_spec_path, [field, i]), "kind": kind} if {
	some field, kind in _container_lists
	is_array(pod_spec[field])
	some i, c in pod_spec[field]
	is_object(c)
}

# `container "app"`, `initContainer "init"`; `container #0` when unnamed.
container_label(x) := sprintf("%s %q", [x.kind, x.container.name]) if {
	is_string(x.container.name)
} else := sprintf("%s #%d", [x.kind, x.path[count(x.path) - 1]])

# securityContext fields that a container inherits from the pod unless it sets them.
pod_level_security_fields := {"runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile", "seLinuxOptions", "windowsOptions", "appArmorProfile"}

# The securityContext value that applies to container `x` for `field`:
# {"value": v, "path": [...], "level": "container"|"pod", "ref": "securityContext.<field>"
# or "pod securityContext.<field>"}. The container's own value wins over the pod's.
# Undefined when neither sets it (a null value counts as not set).
effective_security_setting(x, field) := setting if {
	v := x.container.securityContext[field]
	v != null
	setting := {
		"value": v,
		"path": array.concat(x.path, ["securityContext", field]),
		"level": "container",
		"ref": sprintf("securityContext.%s", [field]),
	}
} else := setting if {
	field in pod_level_security_fields
	v := pod_spec.securityContext[field]
	v != null
	setting := {
		"value": v,
		"path": array.concat(pod_spec_path, ["securityContext", field]),
		"level": "pod",
		"ref": sprintf("pod securityContext.%s", [field]),
	}
}

# The digest after "@" in an image reference, e.g. "sha256:4f1c…"; undefined if none.
image_digest(image) := parts[1] if {
	parts := split(image, "@")
	count(parts) == 2
}

# True when the image is pinned by a well-formed sha256 or sha512 digest.
is_pinned_by_digest(image) if {
	regex.match(`^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$`, image_digest(image))
}

# The tag of an image reference; undefined if it has none.
# A registry port ("registry:5000/app") is not a tag: only the last path segment can carry one.
image_tag(image) := parts[1] if {
	segments := split(split(image, "@")[0], "/")
	parts := split(segments[count(segments) - 1], ":")
	count(parts) == 2
}

# Containers that may declare resources: ephemeral containers are not allowed to.
resource_containers contains x if {
	some x in containers
	x.kind != "ephemeralContainer"
}

# True when container `x` sets a non-empty resources.limits[name] ("cpu", "memory", ...).
has_limit(x, name) if {
	v := x.container.resources.limits[name]
	not v in {null, ""}
}

# True when container `x` sets a non-empty resources.requests[name] ("cpu", "memory", ...).
has_request(x, name) if {
	v := x.container.resources.requests[name]
	not v in {null, ""}
}

# Path from the manifest root to the pod's metadata (where pod annotations live);
# undefined for kinds without a pod spec.
pod_metadata_path := array.concat(array.slice(pod_spec_path, 0, count(pod_spec_path) - 1), ["metadata"])

# Containers that run for the pod's whole life: app containers, and init containers
# that are native sidecars (restartPolicy: Always). Ephemeral containers are excluded.
long_running_containers contains x if {
	some x in containers
	x.kind == "container"
}

long_running_containers contains x if {
	some x in containers
	x.kind == "initContainer"
	x.container.restartPolicy == "Always"
}

# Docker's rule: the first path segment is a registry host only when it holds a
# "." or a ":" or is "localhost"; otherwise the image comes from Docker Hub.
_has_registry_host(segments) if {
	count(segments) > 1
	regex.match(`[.:]|^localhost$`, segments[0])
}

_docker_hub_hosts := {"docker.io", "index.docker.io", "registry-1.docker.io"}

# The image reference without tag or digest, normalised the way the container
# runtime resolves it: "nginx" -> "docker.io/library/nginx",
# "bitnami/redis:7" -> "docker.io/bitnami/redis", "ghcr.io/acme/api:1" -> "ghcr.io/acme/api".
# Registry hosts are lower-cased.
image_repository(image) := repo if {
	name := _image_name(image)
	segments := split(name, "/")
	_has_registry_host(segments)
	host := lower(segments[0])
	not host in _docker_hub_hosts
	repo := concat("/", array.concat([host], array.slice(segments, 1, count(segments))))
} else := repo if {
	name := _image_name(image)
	segments := split(name, "/")
	_has_registry_host(segments)
	lower(segments[0]) in _docker_hub_hosts
	repo := _docker_hub_repository(array.slice(segments, 1, count(segments)))
} else := _docker_hub_repository(split(_image_name(image), "/"))

_docker_hub_repository(segments) := concat("/", array.concat(["docker.io", "library"], segments)) if {
	count(segments) == 1
} else := concat("/", array.concat(["docker.io"], segments))

# The image name without "@digest" and without ":tag" (a registry port is kept).
_image_name(image) := name if {
	base := split(image, "@")[0]
	segments := split(base, "/")
	last := segments[count(segments) - 1]
	name := concat("/", array.concat(array.slice(segments, 0, count(segments) - 1), [split(last, ":")[0]]))
}

# The registry host an image is pulled from ("docker.io" for Docker Hub images).
image_registry(image) := split(image_repository(image), "/")[0]

# Kinds that hold RBAC rules.
_rbac_role_kinds := {"Role", "ClusterRole"}

# Every policy rule of a Role or ClusterRole: {"rule": <object>, "path": ["rules", i], "index": i}.
rbac_rules contains {"rule": r, "path": ["rules", i], "index": i} if {
	input.kind in _rbac_role_kinds
	is_array(input.rules)
	some i, r in input.rules
	is_object(r)
}

# The strings of list field `field` of an RBAC rule (verbs, resources, apiGroups...);
# empty when missing or not a list.
rbac_values(r, field) := {v | some v in r[field]; is_string(v)} if {
	is_array(r[field])
} else := set()

# `Role "reader" in namespace "payments"`, `ClusterRole "reader"`; the namespace is
# named only for namespaced kinds that set it.
object_label := sprintf("%s %q in namespace %q", [input.kind, _object_name, input.metadata.namespace]) if {
	is_string(input.metadata.namespace)
	not input.kind in {"ClusterRole", "ClusterRoleBinding"}
} else := sprintf("%s %q", [input.kind, _object_name])

_object_name := object.get(input, ["metadata", "name"], "")
