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
