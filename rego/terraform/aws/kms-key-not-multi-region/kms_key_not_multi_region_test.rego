package compliance.rules.terraform.kms_key_not_multi_region_test

import rego.v1

import data.compliance.rules.terraform.kms_key_not_multi_region

test_fail_single_region if {
	kms_key_not_multi_region.deny == {{
		"msg": `aws_kms_key "k" is a single-region key (multi_region: false)`,
		"path": ["values", "multi_region"],
	}} with input as {"type": "aws_kms_key", "name": "k", "values": {"multi_region": false}}
}

test_success_multi_region if {
	kms_key_not_multi_region.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {"multi_region": true}}
}

test_success_unknown if {
	kms_key_not_multi_region.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {}, "after_unknown": {"multi_region": true}}
}
