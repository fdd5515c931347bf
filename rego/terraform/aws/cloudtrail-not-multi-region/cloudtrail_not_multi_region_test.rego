package compliance.rules.terraform.cloudtrail_not_multi_region_test

import rego.v1

import data.compliance.rules.terraform.cloudtrail_not_multi_region

test_fail_single_region if {
	cloudtrail_not_multi_region.deny == {{
		"msg": `aws_cloudtrail "x" logs a single region only (is_multi_region_trail: false)`,
		"path": ["values", "is_multi_region_trail"],
	}} with input as {"type": "aws_cloudtrail", "name": "x", "values": {"is_multi_region_trail": false}}
}

test_success_multi_region if {
	cloudtrail_not_multi_region.deny == set() with input as {"type": "aws_cloudtrail", "name": "x", "values": {"is_multi_region_trail": true}}
}
