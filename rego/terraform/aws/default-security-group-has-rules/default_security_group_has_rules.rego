# METADATA
# title: Default security group allows traffic
# description: The VPC's default security group keeps ingress or egress rules, so any resource launched without a security group gets that access.
# custom:
#   id: AWS-033
#   severity: medium
#   remediation: Manage the default security group with aws_default_security_group and no ingress or egress blocks, and give every resource its own security group.
#   applies_to:
#     family: terraform
#     types: [aws_default_security_group]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
package compliance.rules.terraform.default_security_group_has_rules

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", direction]} if {
	some direction in ["ingress", "egress"]
	tf.known([direction])
	n := count(tf.array_at(input.values, direction))
	n > 0
	msg := sprintf("%s has %d %s rule(s)", [tf.label, n, direction])
}
