# METADATA
# title: hostPath volume
# description: >-
#   The pod mounts a directory or file of the node through a hostPath volume, which lets a
#   compromised container read node credentials (kubelet keys, other pods' secrets) or,
#   through sockets such as /var/run/docker.sock, take over the node. Decision: a hostPath
#   is flagged whether or not it is mounted readOnly, because reading host files is
#   already enough to leak credentials; only paths in the allowed_host_paths parameter
#   pass, matched as whole directories ("/var/log" allows "/var/log/app", not
#   "/var/logs"), and a path with a ".." segment never matches.
# custom:
#   id: K8S-013
#   severity: high
#   remediation: |
#     Replace the hostPath volume with an emptyDir, a ConfigMap, a Secret or a
#     PersistentVolumeClaim. If node access is truly required (a log shipper), add
#     the exact path to the allowed_host_paths parameter.
#
#     ```yaml
#     volumes:
#       - name: cache
#         emptyDir: {}
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params:
#     allowed_host_paths: []
#   references:
#     - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
#     - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
package compliance.rules.kubernetes.host_path_volume

import rego.v1

import data.compliance.lib.k8s

_allowed := p if {
	p := data.compliance.params.allowed_host_paths
	is_array(p)
} else := []

_dir_prefix(a) := a if endswith(a, "/")

else := concat("", [a, "/"])

_allowed_path(p) if {
	not ".." in split(p, "/")
	some a in _allowed
	is_string(a)
	a != ""
	_under(p, a)
}

_under(p, a) if trim_right(p, "/") == trim_right(a, "/")

_under(p, a) if startswith(p, _dir_prefix(a))

deny contains {"msg": msg, "path": path} if {
	some i, v in k8s.pod_spec.volumes
	p := v.hostPath.path
	is_string(p)
	not _allowed_path(p)
	msg := sprintf("volume %q mounts the host path %q (hostPath.path)", [object.get(v, "name", sprintf("#%d", [i])), p])
	path := array.concat(k8s.pod_spec_path, ["volumes", i, "hostPath", "path"])
}
