package compliance.rules.terraform.lb_listener_tls_policy_outdated_test

import rego.v1

import data.compliance.rules.terraform.lb_listener_tls_policy_outdated

_params := {"allowed_policies": ["ELBSecurityPolicy-TLS13-1-2-2021-06"]}

test_fail_legacy_policy if {
	lb_listener_tls_policy_outdated.deny == {{
		"msg": `aws_lb_listener "https" uses TLS policy "ELBSecurityPolicy-2016-08", which is not an allowed TLS 1.2+ policy`,
		"path": ["values", "ssl_policy"],
	}} with input as {"type": "aws_lb_listener", "name": "https", "values": {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}}
		with data.compliance.params as _params
}

test_fail_default_policy if {
	count(lb_listener_tls_policy_outdated.deny) == 1 with input as {"type": "aws_lb_listener", "name": "https", "values": {"protocol": "TLS"}}
		with data.compliance.params as _params
}

test_success_tls13 if {
	lb_listener_tls_policy_outdated.deny == set() with input as {"type": "aws_lb_listener", "name": "https", "values": {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}}
		with data.compliance.params as _params
}

test_success_http_listener if {
	lb_listener_tls_policy_outdated.deny == set() with input as {"type": "aws_lb_listener", "name": "http", "values": {"protocol": "HTTP"}}
		with data.compliance.params as _params
}
