package compliance.rules.terraform.nat_gateway_single_az_test

import rego.v1

import data.compliance.rules.terraform.nat_gateway_single_az

_vpc := {"address": "aws_vpc.main", "type": "aws_vpc", "name": "main", "values": {}}

_subnet(i, zone) := {"address": sprintf("aws_subnet.public[%d]", [i]), "type": "aws_subnet", "values": {"availability_zone": zone}, "references": {"vpc_id": ["aws_vpc.main"]}}

_nat(i) := {"address": sprintf("aws_nat_gateway.this[%d]", [i]), "type": "aws_nat_gateway", "values": {}, "references": {"subnet_id": ["aws_subnet.public"]}}

test_fail_single_nat_three_zones if {
	nat_gateway_single_az.deny == {{
		"msg": `aws_vpc "main" spans 3 availability zones (eu-west-1a, eu-west-1b, eu-west-1c) but has 1 NAT gateway(s)`,
		"path": [],
	}} with input as _vpc with data.compliance.inventory as [_vpc, _subnet(0, "eu-west-1a"), _subnet(1, "eu-west-1b"), _subnet(2, "eu-west-1c"), _nat(0)]
}

test_success_nat_per_zone if {
	nat_gateway_single_az.deny == set() with input as _vpc with data.compliance.inventory as [_vpc, _subnet(0, "eu-west-1a"), _subnet(1, "eu-west-1b"), _nat(0), _nat(1)]
}

test_success_no_nat if {
	nat_gateway_single_az.deny == set() with input as _vpc with data.compliance.inventory as [_vpc, _subnet(0, "eu-west-1a"), _subnet(1, "eu-west-1b")]
}
