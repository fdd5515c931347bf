package compliance.lib.terraform_test

import rego.v1

import data.compliance.lib.terraform as tf

_res := {
	"address": "module.m[0].aws_s3_bucket.b[\"x\"]",
	"type": "aws_s3_bucket",
	"name": "b",
	"values": {"bucket": "logs", "tags": {"Environment": "prod"}, "rule": [{"a": null}]},
	"after_unknown": {"policy": true, "rule": [{"b": true}]},
}

test_success_unknown_attribute if {
	tf.unknown(["policy"]) with input as _res
}

test_success_unknown_nested if {
	tf.unknown(["rule", 0, "b"]) with input as _res
}

test_success_unknown_below_unknown_parent if {
	tf.unknown(["policy", "Statement"]) with input as _res
}

test_fail_known_is_not_unknown if {
	not tf.unknown(["bucket"]) with input as _res
	not tf.unknown(["rule", 0, "a"]) with input as _res
	tf.known(["bucket"]) with input as _res
}

test_success_value_default if {
	tf.value(["rule", 0, "a"], "d") == "d" with input as _res
	tf.value(["bucket"], "d") == "logs" with input as _res
}

test_success_base_address if {
	tf.base_address(`module.m[0].aws_s3_bucket.b["x"]`) == "module.m[0].aws_s3_bucket.b"
	tf.base_address("aws_s3_bucket.b") == "aws_s3_bucket.b"
}

test_success_related_by_reference_and_value if {
	inv := [
		{"type": "aws_s3_bucket_versioning", "address": "v1", "references": {"bucket": ["module.m[0].aws_s3_bucket.b"]}},
		{"type": "aws_s3_bucket_versioning", "address": "v2", "values": {"bucket": "logs"}},
		{"type": "aws_s3_bucket_versioning", "address": "v3", "values": {"bucket": "other"}},
		{"type": "aws_s3_bucket_logging", "address": "l1", "values": {"bucket": "logs"}},
	]
	found := tf.related(inv, "aws_s3_bucket_versioning", "bucket", "logs") with input as _res
	{r.address | some r in found} == {"v1", "v2"}
}

test_success_tag_case_insensitive if {
	tf.tag("environment") == "prod" with input as _res
}

test_success_policy_statements if {
	doc := tf.policy_document(`{"Statement": {"Effect": "Allow", "Action": "s3:*"}}`)
	tf.statements(doc) == [{"Effect": "Allow", "Action": "s3:*"}]
	tf.as_set(["a", "b"]) == {"a", "b"}
	tf.as_set("a") == {"a"}
}

test_success_open_to_world if {
	tf.open_to_world(["10.0.0.0/8", "::/0"])
	not tf.open_to_world(["10.0.0.0/8"])
}

test_success_array_at_null_and_absent if {
	tf.array_at({"a": null}, "a") == []
	tf.array_at({}, ["a", 0, "b"]) == []
	tf.array_at({"a": [1]}, "a") == [1]
	tf.object_at({"tags": null}, "tags") == {}
}

test_success_tag_null_tags if {
	not tf.tag("environment") with input as {"values": {"tags": null, "tags_all": {"Environment": null}}}
}

test_success_policy_document_invalid_json if {
	not tf.policy_document("{not json")
	tf.policy_document({"Statement": []}) == {"Statement": []}
}

# Two configurations with the same addresses (dev and prod plans of one module), and the
# index a scan loads for them: positions in the inventory by type, then configuration.
_dev := {"type": "aws_s3_bucket", "address": "aws_s3_bucket.b", "configuration": "dev.json", "values": {"bucket": "logs"}}

_prod := {"type": "aws_s3_bucket", "address": "aws_s3_bucket.b", "configuration": "prod.json", "values": {"bucket": "logs"}}

_inv := [
	_dev,
	{"type": "aws_s3_bucket_versioning", "address": "v", "configuration": "dev.json", "values": {"bucket": "logs"}},
	_prod,
	{"type": "aws_s3_bucket_versioning", "address": "v", "configuration": "prod.json", "references": {"bucket": ["aws_s3_bucket.b"]}},
	{"type": "aws_s3_bucket_versioning", "address": "v0", "values": {"bucket": "logs"}},
]

_index := {
	"aws_s3_bucket": {"dev.json": [0], "prod.json": [2]},
	"aws_s3_bucket_versioning": {"dev.json": [1], "prod.json": [3], "": [4]},
}

# (Values are bound to local variables first: regorus leaves `x with input as _dev`
# undefined when x depends on the rule _dev itself.)
test_success_of_type_index_matches_walk if {
	inv := _inv
	prod := _prod
	walked := tf.of_type(inv, "aws_s3_bucket_versioning") with input as prod
	indexed := tf.of_type(inv, "aws_s3_bucket_versioning") with input as prod
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as _index
	walked == [inv[3]]
	indexed == walked
}

test_success_related_index_matches_walk_per_configuration if {
	inv := _inv
	some res in [_dev, _prod, {"type": "aws_s3_bucket", "address": "aws_s3_bucket.b", "values": {"bucket": "logs"}}]
	walked := tf.related(inv, "aws_s3_bucket_versioning", "bucket", "logs") with input as res
	indexed := tf.related(data.compliance.inventory, "aws_s3_bucket_versioning", "bucket", "logs") with input as res
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as _index
	indexed == walked
}

test_success_related_index_per_configuration if {
	inv := _inv
	dev := _dev
	found := tf.related(data.compliance.inventory, "aws_s3_bucket_versioning", "bucket", "logs") with input as dev
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as _index
	{[r.address, r.configuration] | some r in found} == {["v", "dev.json"]}
	no_config := tf.related(data.compliance.inventory, "aws_s3_bucket_versioning", "bucket", "logs") with input as {"type": "aws_s3_bucket", "address": "x", "values": {}}
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as _index
	{r.address | some r in no_config} == {"v0"}
}

test_success_all_of_type_index_matches_walk if {
	inv := _inv
	dev := _dev
	walked := tf.all_of_type(inv, "aws_s3_bucket_versioning") with input as dev
	indexed := tf.all_of_type(data.compliance.inventory, "aws_s3_bucket_versioning") with input as dev
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as _index
	count(walked) == 3
	indexed == walked
}

# A list that is not the scan's inventory is walked even when the index is loaded.
test_success_other_list_is_walked if {
	inv := _inv
	prod := _prod
	mine := [inv[1], inv[3]]
	found := tf.of_type(mine, "aws_s3_bucket_versioning") with input as prod
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as {"aws_s3_bucket_versioning": {"prod.json": [4]}}
	found == [inv[3]]
}

test_success_without_index_walks if {
	inv := _inv
	dev := _dev
	found := tf.of_type(data.compliance.inventory, "aws_s3_bucket") with input as dev
		with data.compliance.inventory as inv
	found == [dev]
}

# The scan's own inventory is looked up in the index, not walked (an index that
# disagrees with the walk shows which one answered).
test_success_index_is_read if {
	inv := _inv
	prod := _prod
	found := tf.of_type(data.compliance.inventory, "aws_s3_bucket_versioning") with input as prod
		with data.compliance.inventory as inv
		with data.compliance.inventory_index as {"aws_s3_bucket_versioning": {"prod.json": [4]}}
	found == [inv[4]]
}
