package compliance.rules.terraform.ecr_tags_mutable_test

import rego.v1

import data.compliance.rules.terraform.ecr_tags_mutable

test_fail_mutable if {
	ecr_tags_mutable.deny == {{
		"msg": `aws_ecr_repository "x" lets tags be overwritten (image_tag_mutability: "MUTABLE")`,
		"path": ["values", "image_tag_mutability"],
	}} with input as {"type": "aws_ecr_repository", "name": "x", "values": {"image_tag_mutability": "MUTABLE"}}
}

test_success_immutable if {
	ecr_tags_mutable.deny == set() with input as {"type": "aws_ecr_repository", "name": "x", "values": {"image_tag_mutability": "IMMUTABLE"}}
}
