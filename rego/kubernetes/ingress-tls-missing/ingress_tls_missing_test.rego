package compliance.rules.kubernetes.ingress_tls_missing_test

import rego.v1

import data.compliance.rules.kubernetes.ingress_tls_missing as rule

_ingress(spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": spec}

test_fail_no_tls if {
	rule.deny == {{
		"msg": `Ingress "web" has no TLS (spec.tls is not set), so it serves plain HTTP`,
		"path": ["spec"],
	}} with input as _ingress({"rules": [{"host": "pay.example.com"}]})
}

test_fail_host_not_listed if {
	rule.deny == {{
		"msg": `Ingress "web" serves host "admin.example.com" without TLS (no spec.tls entry lists it)`,
		"path": ["spec", "rules", 1, "host"],
	}} with input as _ingress({
		"tls": [{"hosts": ["pay.example.com"], "secretName": "pay-tls"}],
		"rules": [{"host": "pay.example.com"}, {"host": "admin.example.com"}],
	})
}

test_fail_wildcard_covers_one_label_only if {
	rule.deny == {{
		"msg": `Ingress "web" serves host "a.b.example.com" without TLS (no spec.tls entry lists it)`,
		"path": ["spec", "rules", 0, "host"],
	}} with input as _ingress({
		"tls": [{"hosts": ["*.example.com"], "secretName": "wild"}],
		"rules": [{"host": "a.b.example.com"}],
	})
}

test_fail_empty_tls_list if {
	rule.deny == {{
		"msg": `Ingress "web" has no TLS (spec.tls is not set), so it serves plain HTTP`,
		"path": ["spec"],
	}} with input as _ingress({"tls": [], "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}})
}

test_success_all_hosts_listed if {
	rule.deny == set() with input as _ingress({
		"tls": [{"hosts": ["pay.example.com"], "secretName": "a"}, {"hosts": ["*.example.org"], "secretName": "b"}],
		"rules": [{"host": "pay.example.com"}, {"host": "api.example.org"}, {"http": {}}],
	})
}

test_success_tls_entry_without_hosts_covers_all if {
	rule.deny == set() with input as _ingress({"tls": [{"secretName": "default-cert"}], "rules": [{"host": "x.example.com"}]})
}
