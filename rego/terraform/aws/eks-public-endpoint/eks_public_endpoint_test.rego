package compliance.rules.terraform.eks_public_endpoint_test

import rego.v1

import data.compliance.rules.terraform.eks_public_endpoint

test_fail_public_default_cidrs if {
	eks_public_endpoint.deny == {{
		"msg": `aws_eks_cluster "x" exposes its API endpoint to ["0.0.0.0/0"]`,
		"path": ["values", "vpc_config", 0, "public_access_cidrs"],
	}} with input as {"type": "aws_eks_cluster", "name": "x", "values": {"vpc_config": [{"endpoint_public_access": true}]}}
}

test_success_private if {
	eks_public_endpoint.deny == set() with input as {"type": "aws_eks_cluster", "name": "x", "values": {"vpc_config": [{"endpoint_public_access": false, "endpoint_private_access": true}]}}
}

test_success_restricted_cidrs if {
	eks_public_endpoint.deny == set() with input as {"type": "aws_eks_cluster", "name": "x", "values": {"vpc_config": [{"endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]}]}}
}
