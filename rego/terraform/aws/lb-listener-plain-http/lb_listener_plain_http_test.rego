package compliance.rules.terraform.lb_listener_plain_http_test

import rego.v1

import data.compliance.rules.terraform.lb_listener_plain_http

test_fail_forward_http if {
	lb_listener_plain_http.deny == {{
		"msg": `aws_lb_listener "web" on port 80 serves plain HTTP (default action "forward", not a redirect to HTTPS)`,
		"path": ["values", "default_action", 0, "type"],
	}} with input as {"type": "aws_lb_listener", "name": "web", "values": {"port": 80, "protocol": "HTTP", "default_action": [{"type": "forward", "target_group_arn": "arn"}]}}
}

test_success_redirect if {
	lb_listener_plain_http.deny == set() with input as {"type": "aws_lb_listener", "name": "web", "values": {"port": 80, "protocol": "HTTP", "default_action": [{"type": "redirect", "redirect": [{"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}]}]}}
}

test_success_https if {
	lb_listener_plain_http.deny == set() with input as {"type": "aws_lb_listener", "name": "web", "values": {"port": 443, "protocol": "HTTPS", "default_action": [{"type": "forward"}]}}
}
