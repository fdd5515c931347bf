# METADATA
# title: Secret exposed as an environment variable
# description: >-
#   The container reads a Secret into environment variables, where it is inherited by every
#   child process and routinely ends up in crash dumps, debug endpoints and logs; a Secret
#   mounted as a file is read only by the code that opens it and is updated in place when
#   rotated. Decision: each env entry with valueFrom.secretKeyRef and each envFrom entry
#   with secretRef is reported; a literal value that merely looks secret is K8S-031's
#   finding, not this one's.
# custom:
#   id: K8S-030
#   severity: low
#   remediation: |
#     Mount the Secret as a read-only volume and read the file.
#
#     ```yaml
#     containers:
#       - name: api
#         volumeMounts:
#           - name: db
#             mountPath: /var/run/secrets/db
#             readOnly: true
#     volumes:
#       - name: db
#         secret:
#           secretName: payments-db
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
package compliance.rules.kubernetes.secret_in_env_var

import rego.v1

import data.compliance.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	some i, e in x.container.env
	ref := e.valueFrom.secretKeyRef
	is_object(ref)
	msg := sprintf("%s reads Secret %q key %q into env %s", [k8s.container_label(x), object.get(ref, "name", ""), object.get(ref, "key", ""), object.get(e, "name", "")])
	path := array.concat(x.path, ["env", i, "valueFrom", "secretKeyRef"])
}

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	some i, e in x.container.envFrom
	ref := e.secretRef
	is_object(ref)
	msg := sprintf("%s reads every key of Secret %q into env (envFrom[%d].secretRef)", [k8s.container_label(x), object.get(ref, "name", ""), i])
	path := array.concat(x.path, ["envFrom", i, "secretRef"])
}
