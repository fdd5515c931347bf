# METADATA
# title: Load balancer listener serves plain HTTP
# description: A load balancer listener accepts HTTP and forwards it instead of redirecting to HTTPS, so credentials and card data can cross the network in clear text.
# custom:
#   id: AWS-060
#   severity: high
#   remediation: Serve HTTPS (protocol = "HTTPS" with a certificate) and make any HTTP listener's default action a redirect to HTTPS with status HTTP_301.
#   applies_to:
#     family: terraform
#     types: [aws_lb_listener, aws_alb_listener]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-update-rules.html
#     - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html
package compliance.rules.terraform.lb_listener_plain_http

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "default_action", i, "type"]} if {
	tf.value(["protocol"], "") == "HTTP"
	some i, action in tf.array_at(input.values, "default_action")
	not _https_redirect(action)
	tf.known(["default_action", i, "type"])
	msg := sprintf("%s on port %v serves plain HTTP (default action %q, not a redirect to HTTPS)", [tf.label, tf.value(["port"], null), action.type])
}

_https_redirect(action) if {
	action.type == "redirect"
	some r in tf.array_at(action, "redirect")
	r.protocol == "HTTPS"
}

_https_redirect(action) if action.type == "fixed-response"
