package compliance.rules.kubernetes.pods_not_spread_test

import rego.v1

import data.compliance.rules.kubernetes.pods_not_spread as rule

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "pay"},
	"spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "pay"}}, "spec": pod_spec}},
}

_nodes_msg := `Deployment "pay" does not spread its pods across nodes (no podAntiAffinity term or topologySpreadConstraint on kubernetes.io/hostname selects its own pods)`

_zones_msg := `Deployment "pay" does not spread its pods across zones (no podAntiAffinity term or topologySpreadConstraint on topology.kubernetes.io/zone or failure-domain.beta.kubernetes.io/zone selects its own pods)`

_path := ["spec", "template", "spec", "topologySpreadConstraints"]

_own := {"matchLabels": {"app": "pay"}}

test_fail_no_spreading if {
	rule.deny == {{"msg": _nodes_msg, "path": _path}, {"msg": _zones_msg, "path": _path}} with input as _deployment({"containers": [{"name": "app"}]})
}

test_fail_hostname_only if {
	rule.deny == {{"msg": _zones_msg, "path": ["spec", "template", "spec", "affinity"]}} with input as _deployment({
		"containers": [{"name": "app"}],
		"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": _own}]}},
	})
}

test_fail_selector_of_other_pods_spreads_nothing if {
	rule.deny == {{"msg": _nodes_msg, "path": _path}} with input as _deployment({
		"containers": [{"name": "app"}],
		"topologySpreadConstraints": [
			{"topologyKey": "kubernetes.io/hostname", "maxSkew": 1, "labelSelector": {"matchLabels": {"app": "other"}}},
			{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1, "labelSelector": _own},
		],
	})
}

test_fail_term_without_label_selector if {
	rule.deny == {{"msg": _nodes_msg, "path": _path}} with input as _deployment({
		"containers": [{"name": "app"}],
		"topologySpreadConstraints": [
			{"topologyKey": "kubernetes.io/hostname", "maxSkew": 1},
			{"topologyKey": "topology.kubernetes.io/zone", "maxSkew": 1, "labelSelector": _own},
		],
	})
}

test_success_preferred_anti_affinity_both if {
	rule.deny == set() with input as _deployment({
		"containers": [{"name": "app"}],
		"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
			{"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["pay"]}]}}},
			{"weight": 50, "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone", "labelSelector": _own}},
		]}},
	})
}

test_success_mixed_spread_and_anti_affinity if {
	rule.deny == set() with input as _deployment({
		"containers": [{"name": "app"}],
		"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": _own}]}},
		"topologySpreadConstraints": [{"topologyKey": "failure-domain.beta.kubernetes.io/zone", "maxSkew": 1, "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": _own}],
	})
}

test_success_single_zone_param if {
	rule.deny == set() with input as _deployment({
		"containers": [{"name": "app"}],
		"topologySpreadConstraints": [{"topologyKey": "kubernetes.io/hostname", "maxSkew": 1, "labelSelector": _own}],
	})
		with data.compliance.params as {"host_topology_keys": ["kubernetes.io/hostname"], "zone_topology_keys": []}
}

test_success_owned_replica_set_judged_through_owner if {
	rule.deny == set() with input as {
		"apiVersion": "apps/v1",
		"kind": "ReplicaSet",
		"metadata": {"name": "pay-5d8f", "ownerReferences": [{"kind": "Deployment", "name": "pay"}]},
		"spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "pay"}}, "spec": {"containers": [{"name": "app"}]}}},
	}
}

test_success_patch_without_template_labels_judged_by_key if {
	rule.deny == set() with input as {
		"apiVersion": "apps/v1",
		"kind": "Deployment",
		"metadata": {"name": "repo-server"},
		"spec": {"template": {"spec": {"affinity": {"podAntiAffinity": {
			"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "repo"}}}],
			"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": "topology.kubernetes.io/zone", "labelSelector": {"matchLabels": {"app": "repo"}}}}],
		}}}}},
	}
}
