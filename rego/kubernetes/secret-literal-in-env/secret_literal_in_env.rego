# METADATA
# title: Literal secret in an environment variable
# description: >-
#   An environment variable whose name says it holds a password, token or key is set to a
#   literal value in the manifest, so the secret sits in Git, in every rendered chart and in
#   the object anyone with read access to the workload can see. Decision: the name is split
#   into words on "_", "-" and "." (case-insensitive); it is secret-looking when a word
#   contains password, passwd or secret (PGPASSWORD), or is pass, token, credential(s),
#   apikey, privatekey, or "key" right after api, access, private, secret, signing,
#   encryption, master, auth or client (PWD is not: it is the shell's working
#   directory, and PARTITION_KEY is not); names whose last word marks a
#   reference or setting (FILE, PATH, DIR, URL, URI, ENDPOINT, HOST, PORT, NAME, REF, ID,
#   TYPE, ENABLED, TTL, TIMEOUT, ...) are not. Empty values, switches (true, false, yes,
#   no, on, off, 0, 1), absolute file paths (/var/secrets/key.json) and pure $(VAR)
#   references are not literals; placeholders such as "changeme" are, since the
#   manifest asks for the secret to be pasted in. A valueFrom.secretKeyRef is a Secret reference, never a literal (K8S-030
#   covers it). The message names the variable and never the value.
# custom:
#   id: K8S-031
#   severity: high
#   remediation: |
#     Store the value in a Secret (or an external secret manager) and mount it as a file,
#     or at least reference it with secretKeyRef; then rotate the leaked value.
#
#     ```yaml
#     env:
#       - name: DB_PASSWORD
#         valueFrom:
#           secretKeyRef:
#             name: payments-db
#             key: password
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/security/secrets-good-practices/
#     - https://cwe.mitre.org/data/definitions/798.html
package compliance.rules.kubernetes.secret_literal_in_env

import rego.v1

import data.compliance.lib.k8s

# Whole words that mark a secret.
_secret_words := {"pass", "token", "credential", "credentials", "apikey", "privatekey", "accesstoken", "authtoken"}

# Fragments that mark a secret even inside a word: PGPASSWORD, MYSQLSECRET.
_secret_fragments := {"password", "passwd", "secret"}

# "key" is secret only after one of these words: PARTITION_KEY is not, API_KEY is.
_key_qualifiers := {"api", "access", "private", "secret", "signing", "encryption", "master", "auth", "client"}

# A last word that makes the variable a pointer to a secret or a setting about it.
_reference_suffixes := {
	"file", "path", "dir", "url", "uri", "endpoint", "host", "port", "name", "ref", "id",
	"type", "kind", "enabled", "enable", "disabled", "required", "length", "size", "ttl",
	"expiry", "expiration", "timeout", "lifetime", "duration", "header", "field", "mode",
	"policy", "format", "prefix", "version", "user", "username", "location", "namespace",
	"mount", "provider", "algorithm", "issuer", "audience", "scope", "scopes", "expire",
	"expires", "interval", "seconds", "count", "limit", "max", "min", "retries", "level",
	"store", "backend", "method", "strategy", "source", "class",
}

_words(name) := [w | some w in regex.split(`[^a-z0-9]+`, lower(name)); w != ""]

_secret_looking(name) if {
	words := _words(name)
	not _reference(words)
	some w in words
	w in _secret_words
}

_secret_looking(name) if {
	words := _words(name)
	not _reference(words)
	some w in words
	some f in _secret_fragments
	contains(w, f)
}

_secret_looking(name) if {
	words := _words(name)
	not _reference(words)
	some i, w in words
	w == "key"
	i > 0
	words[i - 1] in _key_qualifiers
}

_reference(words) if words[count(words) - 1] in _reference_suffixes

_literal(v) if {
	is_string(v)
	trim_space(v) != ""
	not regex.match(`^\$\([A-Za-z_][A-Za-z0-9_]*\)$`, trim_space(v))
	not lower(trim_space(v)) in _flags
	not _file_path(trim_space(v))
}

# MYSQL_ALLOW_EMPTY_PASSWORD: "yes" is a switch, not a secret.
_flags := {"true", "false", "yes", "no", "on", "off", "0", "1"}

# GOOGLE_APPLICATION_CREDENTIALS: /var/secrets/google/key.json points at a mounted file.
_file_path(v) if regex.match(`^/[^\s]*$`, v)

deny contains {"msg": msg, "path": path} if {
	some x in k8s.containers
	some i, e in x.container.env
	is_string(e.name)
	_literal(e.value)
	_secret_looking(e.name)
	msg := sprintf("%s sets env %s to a literal value", [k8s.container_label(x), e.name])
	path := array.concat(x.path, ["env", i, "value"])
}
