# Label selectors (metav1.LabelSelector) and IntOrString values, shared by rules
# that relate a pod template to the selectors written against it.
package compliance.lib.selector

import rego.v1

# True when `sel` (matchLabels + matchExpressions) selects `labels`.
# An empty selector ({}) selects everything; a missing one (null) selects nothing,
# as in the API for pod affinity terms and topology spread constraints.
matches(sel, labels) if {
	is_object(sel)
	every key, value in _object(object.get(sel, "matchLabels", {})) {
		object.get(labels, key, null) == value
	}
	every expr in _array(object.get(sel, "matchExpressions", [])) {
		_expression_matches(expr, labels)
	}
}

_expression_matches(expr, labels) if {
	expr.operator == "In"
	labels[expr.key] in _array(object.get(expr, "values", []))
}

_expression_matches(expr, labels) if {
	expr.operator == "NotIn"
	not labels[expr.key] in _array(object.get(expr, "values", []))
}

_expression_matches(expr, labels) if {
	expr.operator == "Exists"
	_ = labels[expr.key]
}

_expression_matches(expr, labels) if {
	expr.operator == "DoesNotExist"
	not _has_key(labels, expr.key)
}

_has_key(obj, key) if _ = obj[key]

_object(x) := x if is_object(x) else := {}

_array(x) := x if is_array(x) else := []

# An IntOrString such as maxUnavailable: 2 or "25%" as {"value": n, "percent": bool};
# undefined for anything else ("abc", "2", true).
int_or_percent(v) := {"value": v, "percent": false} if {
	is_number(v)
	v >= 0
}

int_or_percent(v) := {"value": to_number(trim_suffix(v, "%")), "percent": true} if {
	is_string(v)
	regex.match(`^[0-9]+(\.[0-9]+)?%$`, v)
}
