# METADATA
# title: Ingress without TLS
# description: >-
#   An Ingress serves a host over plain HTTP, so credentials, session cookies and
#   cardholder or personal data cross the network unencrypted (PCI-DSS 4.2.1, GDPR
#   Art. 32). Decisions: an Ingress with no spec.tls is reported once; otherwise each
#   rule host that no spec.tls entry lists is reported, where a wildcard entry
#   "*.example.com" covers exactly one label ("a.example.com", not "a.b.example.com")
#   and an entry without hosts covers every host, as the API defines. TLS terminated in
#   front of the cluster is invisible here: waive the Ingress with the reason. Applies
#   in every environment, because staging and dev Ingresses are often reachable from
#   the internet too.
# custom:
#   id: K8S-052
#   severity: high
#   remediation: |
#     List every host under spec.tls with the Secret holding its certificate (for
#     example issued by cert-manager).
#
#     ```yaml
#     spec:
#       tls:
#         - hosts: [pay.example.com]
#           secretName: pay-example-com-tls
#       rules:
#         - host: pay.example.com
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Ingress]
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
#     - https://cert-manager.io/docs/usage/ingress/
package compliance.rules.kubernetes.ingress_tls_missing

import rego.v1

_name := object.get(input, ["metadata", "name"], "")

_tls := t if {
	t := input.spec.tls
	is_array(t)
} else := []

deny contains {"msg": msg, "path": ["spec"]} if {
	count(_tls) == 0
	msg := sprintf("Ingress %q has no TLS (spec.tls is not set), so it serves plain HTTP", [_name])
}

deny contains {"msg": msg, "path": ["spec", "rules", i, "host"]} if {
	count(_tls) > 0
	some i, rule in input.spec.rules
	host := rule.host
	is_string(host)
	host != ""
	not _covered(host)
	msg := sprintf("Ingress %q serves host %q without TLS (no spec.tls entry lists it)", [_name, host])
}

# An entry without hosts takes the controller's default certificate for every host.
_covered(_) if {
	some entry in _tls
	count(object.get(entry, "hosts", [])) == 0
}

_covered(host) if {
	some entry in _tls
	some h in entry.hosts
	_host_matches(h, host)
}

_host_matches(pattern, host) if lower(pattern) == lower(host)

_host_matches(pattern, host) if {
	startswith(pattern, "*.")
	glob.match(lower(pattern), ["."], lower(host))
}
