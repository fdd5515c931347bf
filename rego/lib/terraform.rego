# Shared helpers for Terraform rules.
#
# `input` is one resource in the plan's shape (both loaders give it):
# {"address", "mode", "type", "name", "provider_name", "values", "after_unknown",
#  "references", "region", "actions"}. A value known only after apply is absent from
# `values` and true in `after_unknown`; rules must never report it as a violation.
package compliance.lib.terraform

import rego.v1

# True when the value at `path` under `values` is known only after apply: the path
# itself or one of its prefixes is marked in after_unknown.
unknown(path) if {
	some n in numbers.range(1, count(path))
	object.get(object.get(input, "after_unknown", {}), array.slice(path, 0, n), false) == true
}

# True when the value at `path` is known (present, or absent and not unknown).
known(path) if not unknown(path)

# The value at `path` under input.values, or `fallback` when it is absent or null.
value(path, fallback) := v if {
	v := object.get(input.values, path, null)
	v != null
} else := fallback

# The array at `path` in `obj`: [] when absent, null or not an array. Plans hold
# null for unset blocks, and iterating null is an error in regorus.
array_at(obj, path) := x if {
	x := object.get(obj, path, [])
	is_array(x)
} else := []

# The object at `path` in `obj`: {} when absent, null or not an object.
object_at(obj, path) := x if {
	x := object.get(obj, path, {})
	is_object(x)
} else := {}

# An address without its own instance key: module.x[0].aws_s3_bucket.b["k"] ->
# module.x[0].aws_s3_bucket.b, the form references use.
base_address(address) := regex.replace(address, `\[[^\]]*\]$`, "")

# Resources of `inventory` (pass data.compliance.inventory: naming it in the rule is
# what makes the scan run the rule after loading everything) of type `type` that point at this resource through `attr`:
# their expression for `attr` refers to it, or (resources read from plans whose
# reference is lost) their value for `attr` equals this resource's `own` value. Only
# resources of the same configuration (plan file or root module) count: dev's bucket
# policy must not pass production's bucket of the same address.
related(inventory, type, attr, own) := {r |
	some r in of_type(inventory, type)
	_points_at(r, attr, own)
}

# Resources of `inventory` of type `type` in this resource's configuration. A scan also
# loads data.compliance.inventory_index[<type>][<configuration>]: the positions of those
# resources in data.compliance.inventory. Looked up there, a rule costs what its few
# candidates cost instead of a walk over every resource of every plan for each resource
# evaluated. Any other list, or a scan without the index (Rego unit tests, Conftest,
# Gatekeeper), is walked. (No complete rule in this package: `tf.<rule>` evaluates
# every complete rule of it.)
of_type(inventory, type) := found if {
	index := _index(inventory)
	found := [inventory[i] | some i in object.get(index, [type, object.get(input, "configuration", "")], [])]
} else := [r |
	some r in inventory
	r.type == type
	same_configuration(r)
]

# Resources of `inventory` of type `type` in any configuration, looked up the same way
# (in the inventory's order, as the walk gives them).
all_of_type(inventory, type) := found if {
	index := _index(inventory)
	found := [inventory[i] | some i in sort([p | some positions in object.get(index, [type], {}); some p in positions])]
} else := [r |
	some r in inventory
	r.type == type
]

# The scan's index, when `inventory` is the scan's inventory it describes.
_index(inventory) := index if {
	index := data.compliance.inventory_index
	is_object(index)
	inventory == data.compliance.inventory
}

same_configuration(r) if object.get(r, "configuration", "") == object.get(input, "configuration", "")

_points_at(r, attr, _) if base_address(input.address) in object.get(r, ["references", attr], [])

_points_at(r, attr, own) if {
	own != null
	object.get(r, ["values", attr], null) == own
}

# The value of tag `name`, compared case-insensitively; undefined when not tagged.
tag(name) := v if {
	some k, v in object_at(input.values, "tags")
	lower(k) == lower(name)
	is_string(v)
} else := v if {
	some k, v in object_at(input.values, "tags_all")
	lower(k) == lower(name)
	is_string(v)
}

# True when a CIDR list holds the whole IPv4 or IPv6 internet.
open_to_world(cidrs) if {
	some c in cidrs
	c in {"0.0.0.0/0", "::/0"}
}

# Label of a resource for messages: `aws_s3_bucket "logs"`.
label := sprintf("%s %q", [input.type, input.name])

# Parsed IAM policy document: JSON strings (plan values, jsonencode) or objects.
# A string that is not valid JSON is no document (json.unmarshal would error).
policy_document(doc) := parsed if {
	is_string(doc)
	json.is_valid(doc)
	parsed := json.unmarshal(doc)
} else := doc if is_object(doc)

# Statements of a policy document as a list (a single statement may be an object).
statements(doc) := s if {
	is_array(doc.Statement)
	s := doc.Statement
} else := [doc.Statement] if is_object(doc.Statement)

# A statement field that may be a string or a list, as a set.
as_set(x) := {v | some v in x} if is_array(x)

else := {x} if is_string(x)

else := set()
