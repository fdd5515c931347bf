package compliance.rules.terraform.ecr_scan_on_push_disabled_test

import rego.v1

import data.compliance.rules.terraform.ecr_scan_on_push_disabled

test_fail_off if {
	ecr_scan_on_push_disabled.deny == {{
		"msg": `aws_ecr_repository "x" does not scan images on push (scan_on_push: false)`,
		"path": ["values", "image_scanning_configuration", 0, "scan_on_push"],
	}} with input as {"type": "aws_ecr_repository", "name": "x", "values": {"image_scanning_configuration": [{"scan_on_push": false}]}}
}

test_fail_unset if {
	ecr_scan_on_push_disabled.deny == {{
		"msg": `aws_ecr_repository "x" does not scan images on push (scan_on_push: false)`,
		"path": ["values", "image_scanning_configuration", 0, "scan_on_push"],
	}} with input as {"type": "aws_ecr_repository", "name": "x", "values": {}}
}

test_success_on if {
	ecr_scan_on_push_disabled.deny == set() with input as {"type": "aws_ecr_repository", "name": "x", "values": {"image_scanning_configuration": [{"scan_on_push": true}]}}
}
