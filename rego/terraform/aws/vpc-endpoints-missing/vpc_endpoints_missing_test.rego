package compliance.rules.terraform.vpc_endpoints_missing_test

import rego.v1

import data.compliance.rules.terraform.vpc_endpoints_missing

_params := {"services": ["s3", "ecr.api", "ecr.dkr", "secretsmanager"]}

_vpc := {"address": "aws_vpc.private", "type": "aws_vpc", "name": "private", "values": {}}

_endpoint(service) := {"type": "aws_vpc_endpoint", "values": {"service_name": sprintf("com.amazonaws.eu-west-1.%s", [service])}, "references": {"vpc_id": ["aws_vpc.private"]}}

test_fail_missing_ecr if {
	vpc_endpoints_missing.deny == {{
		"msg": `aws_vpc "private" has no internet gateway and no VPC endpoint for ecr.api, ecr.dkr`,
		"path": [],
	}} with input as _vpc with data.compliance.inventory as [_vpc, _endpoint("s3"), _endpoint("secretsmanager")]
		with data.compliance.params as _params
}

test_success_all_endpoints if {
	vpc_endpoints_missing.deny == set() with input as _vpc
		with data.compliance.inventory as [_vpc, _endpoint("s3"), _endpoint("ecr.api"), _endpoint("ecr.dkr"), _endpoint("secretsmanager")]
		with data.compliance.params as _params
}

test_success_internet_gateway if {
	igw := {"type": "aws_internet_gateway", "values": {}, "references": {"vpc_id": ["aws_vpc.private"]}}
	vpc_endpoints_missing.deny == set() with input as _vpc with data.compliance.inventory as [_vpc, igw]
		with data.compliance.params as _params
}

test_success_service_name_unknown if {
	unknown := {"type": "aws_vpc_endpoint", "values": {}, "after_unknown": {"service_name": true}, "references": {"vpc_id": ["aws_vpc.private"]}}
	vpc_endpoints_missing.deny == set() with input as _vpc with data.compliance.inventory as [_vpc, unknown]
		with data.compliance.params as _params
}
