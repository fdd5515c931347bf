package compliance.rules.kubernetes.velero_backup_ttl_short_test

import rego.v1

import data.compliance.rules.kubernetes.velero_backup_ttl_short as rule

_schedule(template) := {"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": {"name": "daily"}, "spec": {"schedule": "0 2 * * *", "template": template}}

test_fail_ttl_shorter_than_default_minimum if {
	rule.deny == {{
		"msg": `Schedule "daily" keeps backups for 168h0m0s (spec.template.ttl), less than the required 720h`,
		"path": ["spec", "template", "ttl"],
	}} with input as _schedule({"includedNamespaces": ["payments"], "ttl": "168h0m0s"})
}

test_fail_ttl_shorter_than_param if {
	rule.deny == {{
		"msg": `Schedule "daily" keeps backups for 720h0m0s (spec.template.ttl), less than the required 2160h`,
		"path": ["spec", "template", "ttl"],
	}} with input as _schedule({"ttl": "720h0m0s"}) with data.compliance.params as {"min_ttl": "2160h"}
}

test_fail_default_ttl_shorter_than_param if {
	rule.deny == {{
		"msg": `Schedule "daily" keeps backups for Velero's default 720h (spec.template.ttl not set), less than the required 8760h`,
		"path": ["spec", "template"],
	}} with input as _schedule({"includedNamespaces": ["payments"]}) with data.compliance.params as {"min_ttl": "8760h"}
}

test_fail_invalid_ttl if {
	rule.deny == {{
		"msg": `Schedule "daily" has a ttl that is not a Go duration (spec.template.ttl: 30d)`,
		"path": ["spec", "template", "ttl"],
	}} with input as _schedule({"ttl": "30d"})
}

test_success_ttl_meets_minimum if {
	rule.deny == set() with input as _schedule({"ttl": "720h0m0s"})
}

test_success_default_ttl_meets_default_minimum if {
	rule.deny == set() with input as _schedule({"includedNamespaces": ["payments"]})
}

test_success_chaos_mesh_schedule_ignored if {
	rule.deny == set() with input as {"apiVersion": "chaos-mesh.org/v1alpha1", "kind": "Schedule", "metadata": {"name": "x"}, "spec": {"template": {"ttl": "1h"}}}
}
