# METADATA
# title: Load balancer TLS policy allows TLS older than 1.2
# description: An HTTPS or TLS listener uses a security policy that still negotiates TLS 1.0 or 1.1 (or production does not use a TLS 1.3 policy).
# custom:
#   id: AWS-061
#   severity: medium
#   remediation: Set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or a stricter TLS13 policy).
#   applies_to:
#     family: terraform
#     types: [aws_lb_listener, aws_alb_listener]
#   params:
#     allowed_policies: ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"]
#   references:
#     - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
package compliance.rules.terraform.lb_listener_tls_policy_outdated

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "ssl_policy"]} if {
	tf.value(["protocol"], "") in {"HTTPS", "TLS"}
	tf.known(["ssl_policy"])
	policy := tf.value(["ssl_policy"], "ELBSecurityPolicy-2016-08")
	not policy in data.compliance.params.allowed_policies
	msg := sprintf("%s uses TLS policy %q, which is not an allowed TLS 1.2+ policy", [tf.label, policy])
}
