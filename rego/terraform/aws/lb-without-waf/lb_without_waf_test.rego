package compliance.rules.terraform.lb_without_waf_test

import rego.v1

import data.compliance.rules.terraform.lb_without_waf

_alb := {"address": "aws_lb.public", "type": "aws_lb", "name": "public", "values": {"internal": false, "load_balancer_type": "application"}}

test_fail_no_waf if {
	lb_without_waf.deny == {{"msg": `aws_lb "public" is internet-facing with no aws_wafv2_web_acl_association`, "path": ["values", "internal"]}}
		with input as _alb with data.compliance.inventory as [_alb]
}

test_success_waf if {
	waf := {"type": "aws_wafv2_web_acl_association", "references": {"resource_arn": ["aws_lb.public"]}}
	lb_without_waf.deny == set() with input as _alb with data.compliance.inventory as [_alb, waf]
}

test_success_internal_or_nlb if {
	lb_without_waf.deny == set() with input as object.union(_alb, {"values": {"internal": true}}) with data.compliance.inventory as []
	lb_without_waf.deny == set() with input as object.union(_alb, {"values": {"load_balancer_type": "network"}}) with data.compliance.inventory as []
}
