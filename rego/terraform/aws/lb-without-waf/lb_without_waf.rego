# METADATA
# title: Internet-facing ALB without a WAF
# description: A public application load balancer has no AWS WAF web ACL associated, so application-layer attacks (SQL injection, XSS, bad bots) reach the application unfiltered.
# custom:
#   id: AWS-062
#   severity: medium
#   remediation: Associate a WAFv2 web ACL (with the AWS managed core rule set) through aws_wafv2_web_acl_association with resource_arn = aws_lb.<name>.arn.
#   applies_to:
#     family: terraform
#     types: [aws_lb, aws_alb]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
package compliance.rules.terraform.lb_without_waf

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: the association is a separate resource.
deny contains {"msg": msg, "path": ["values", "internal"]} if {
	tf.known(["internal"])
	tf.value(["internal"], false) != true
	tf.value(["load_balancer_type"], "application") == "application"
	count(tf.related(data.compliance.inventory, "aws_wafv2_web_acl_association", "resource_arn", null)) == 0
	msg := sprintf("%s is internet-facing with no aws_wafv2_web_acl_association", [tf.label])
}
