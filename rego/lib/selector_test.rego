package compliance.lib.selector_test

import rego.v1

import data.compliance.lib.selector

test_success_match_labels if {
	selector.matches({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "front"})
}

test_success_empty_selector_matches_all if {
	selector.matches({}, {"app": "web"})
}

test_fail_missing_selector_matches_nothing if {
	not selector.matches(null, {"app": "web"})
}

test_fail_match_labels_differ if {
	not selector.matches({"matchLabels": {"app": "api"}}, {"app": "web"})
}

test_success_match_expressions if {
	selector.matches(
		{"matchExpressions": [
			{"key": "app", "operator": "In", "values": ["web", "api"]},
			{"key": "tier", "operator": "NotIn", "values": ["db"]},
			{"key": "team", "operator": "Exists"},
			{"key": "canary", "operator": "DoesNotExist"},
		]},
		{"app": "web", "tier": "front", "team": "payments"},
	)
}

test_fail_match_expression_exists if {
	not selector.matches({"matchExpressions": [{"key": "team", "operator": "Exists"}]}, {"app": "web"})
}

test_fail_match_expression_does_not_exist if {
	not selector.matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, {"app": "web"})
}

test_fail_match_expression_unknown_operator if {
	not selector.matches({"matchExpressions": [{"key": "app", "operator": "Like", "values": ["w"]}]}, {"app": "web"})
}

test_success_int_or_percent if {
	selector.int_or_percent(2) == {"value": 2, "percent": false}
	selector.int_or_percent("25%") == {"value": 25, "percent": true}
}

test_fail_int_or_percent_invalid if {
	not selector.int_or_percent("2")
	not selector.int_or_percent("abc%")
	not selector.int_or_percent(true)
}
