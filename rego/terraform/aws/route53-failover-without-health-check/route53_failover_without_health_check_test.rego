package compliance.rules.terraform.route53_failover_without_health_check_test

import rego.v1

import data.compliance.rules.terraform.route53_failover_without_health_check

test_fail_primary_without_check if {
	route53_failover_without_health_check.deny == {{
		"msg": `aws_route53_record "x" uses failover routing without a health check (no health_check_id)`,
		"path": ["values", "health_check_id"],
	}} with input as {"type": "aws_route53_record", "name": "x", "values": {"failover_routing_policy": [{"type": "PRIMARY"}], "set_identifier": "primary"}}
}

test_success_with_check if {
	route53_failover_without_health_check.deny == set() with input as {"type": "aws_route53_record", "name": "x", "values": {"failover_routing_policy": [{"type": "PRIMARY"}], "health_check_id": "abc"}}
}

test_success_alias_evaluates_target if {
	route53_failover_without_health_check.deny == set() with input as {"type": "aws_route53_record", "name": "x", "values": {"failover_routing_policy": [{"type": "PRIMARY"}], "alias": [{"evaluate_target_health": true}]}}
}

test_success_simple_record if {
	route53_failover_without_health_check.deny == set() with input as {"type": "aws_route53_record", "name": "x", "values": {"type": "A"}}
}
