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

# A flow log whose vpc_id is a module local (not in plan JSON) may point at a VPC of
# that module: unknown, never a finding.
test_success_flow_log_vpc_id_unresolved_in_module if {
	fl := {"type": "aws_flow_log", "references": {}, "unresolved_references": {"vpc_id": [{"scope": "module.net", "reference": "local.vpc_id"}]}}
	vpc_flow_logs_missing.deny == set() with input as _vpc with data.compliance.inventory as [_vpc, fl]
}

test_fail_unresolved_flow_log_of_another_module if {
	fl := {"type": "aws_flow_log", "references": {}, "unresolved_references": {"vpc_id": [{"scope": "module.network", "reference": "local.vpc_id"}]}}
	vpc_flow_logs_missing.deny == {{"msg": `aws_vpc "main" has no aws_flow_log`, "path": []}} with input as _vpc
		with data.compliance.inventory as [_vpc, fl]
}

test_fail_flow_log_of_another_plan if {
	vpc := object.union(_vpc, {"configuration": "prod/plan.json"})
	fl := {"type": "aws_flow_log", "configuration": "dev/plan.json", "references": {"vpc_id": ["module.net.aws_vpc.main"]}}
	vpc_flow_logs_missing.deny == {{"msg": `aws_vpc "main" has no aws_flow_log`, "path": []}} with input as vpc
		with data.compliance.inventory as [vpc, fl]
}
