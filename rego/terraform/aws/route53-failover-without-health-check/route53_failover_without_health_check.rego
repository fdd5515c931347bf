# METADATA
# title: Route 53 failover record without a health check
# description: A failover routing record has no health check, so Route 53 never fails over (primary) or answers with an unhealthy endpoint (secondary).
# custom:
#   id: AWS-082
#   severity: medium
#   remediation: Set health_check_id on failover records to an aws_route53_health_check for the endpoint.
#   applies_to:
#     family: terraform
#     types: [aws_route53_record]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html
package compliance.rules.terraform.route53_failover_without_health_check

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["health_check_id"])} if {
	count(tf.array_at(input.values, "failover_routing_policy")) > 0
	not tf.value(["alias", 0, "evaluate_target_health"], false) == true
	tf.known(["health_check_id"])
	v := tf.value(["health_check_id"], "")
	v == ""
	msg := sprintf("%s uses failover routing without a health check (no health_check_id)", [tf.label])
}
