# METADATA
# title: VPC without flow logs
# description: A VPC records no flow logs, so there is no record of which addresses talked to which hosts when an incident is investigated.
# custom:
#   id: AWS-032
#   severity: medium
#   remediation: Add an aws_flow_log with vpc_id = aws_vpc.<name>.id, traffic_type = "ALL", to CloudWatch Logs or S3.
#   applies_to:
#     family: terraform
#     types: [aws_vpc]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
package compliance.rules.terraform.vpc_flow_logs_missing

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: flow logs are separate aws_flow_log resources.
deny contains {"msg": msg, "path": []} if {
	count({r | some r in tf.related(data.compliance.inventory, "aws_flow_log", "vpc_id", tf.value(["id"], null))}) == 0
	not _maybe_covered
	msg := sprintf("%s has no aws_flow_log", [tf.label])
}

# A flow log whose vpc_id could not be followed (a module local, which plan JSON
# does not record) may point at this VPC: unknown, so not a finding.
_maybe_covered if {
	some r in tf.of_type(data.compliance.inventory, "aws_flow_log")
	some u in object.get(r, ["unresolved_references", "vpc_id"], [])
	_in_scope(u.scope)
}

_in_scope(scope) if scope == ""

_in_scope(scope) if startswith(input.address, concat("", [scope, "."]))

