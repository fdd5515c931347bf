package compliance.rules.terraform.vpc_flow_logs_missing_test

import rego.v1

import data.compliance.rules.terraform.vpc_flow_logs_missing

_vpc := {"address": "module.net.aws_vpc.main", "type": "aws_vpc", "name": "main", "values": {"cidr_block": "10.0.0.0/16"}}

test_fail_no_flow_log if {
	vpc_flow_logs_missing.deny == {{"msg": `aws_vpc "main" has no aws_flow_log`, "path": []}} with input as _vpc
		with data.compliance.inventory as [_vpc, {"type": "aws_flow_log", "references": {"vpc_id": ["aws_vpc.main"]}}]
}

test_success_flow_log if {
	vpc_flow_logs_missing.deny == set() with input as _vpc
		with data.compliance.inventory as [_vpc, {"type": "aws_flow_log", "references": {"vpc_id": ["module.net.aws_vpc.main"]}}]
}
