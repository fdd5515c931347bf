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

# A gateway or endpoint whose vpc_id is a module local (not in plan JSON) may belong
# to a VPC of that module: unknown, never a finding.
test_success_gateway_vpc_id_unresolved if {
	vpc := {"address": "module.network.aws_vpc.this[0]", "type": "aws_vpc", "name": "this", "values": {}}
	igw := {"type": "aws_internet_gateway", "values": {}, "unresolved_references": {"vpc_id": [{"scope": "module.network", "reference": "local.vpc_id"}]}}
	vpc_endpoints_missing.deny == set() with input as vpc with data.compliance.inventory as [vpc, igw]
		with data.compliance.params as _params
}

test_fail_unresolved_gateway_of_another_module if {
	igw := {"type": "aws_internet_gateway", "values": {}, "unresolved_references": {"vpc_id": [{"scope": "module.edge", "reference": "local.vpc_id"}]}}
	vpc_endpoints_missing.deny == {{
		"msg": `aws_vpc "private" has no internet gateway and no VPC endpoint for ecr.api, ecr.dkr, s3, secretsmanager`,
		"path": [],
	}} with input as _vpc with data.compliance.inventory as [_vpc, igw]
		with data.compliance.params as _params
}

test_fail_gateway_of_another_plan if {
	vpc := object.union(_vpc, {"configuration": "prod/plan.json"})
	igw := {"type": "aws_internet_gateway", "configuration": "dev/plan.json", "values": {}, "references": {"vpc_id": ["aws_vpc.private"]}}
	vpc_endpoints_missing.deny == {{
		"msg": `aws_vpc "private" has no internet gateway and no VPC endpoint for ecr.api, ecr.dkr, s3, secretsmanager`,
		"path": [],
	}} with input as vpc with data.compliance.inventory as [vpc, igw]
		with data.compliance.params as _params
}
