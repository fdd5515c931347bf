# METADATA
# title: Cardholder-data security group allows all outbound traffic
# description: A security group of a cardholder data workload allows every protocol to 0.0.0.0/0 or ::/0 outbound, so a compromised host can send data anywhere.
# custom:
#   id: AWS-031
#   severity: high
#   remediation: Replace the allow-all egress with rules to the specific destinations (VPC endpoints, the database, a proxy) on the specific ports.
#   applies_to:
#     family: terraform
#     types: [aws_security_group, aws_vpc_security_group_egress_rule]
#   params:
#     scope_tag: "PCIScope"
#     scope_values: ["cde", "cardholder", "true"]
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
#     - https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0_1.pdf
package compliance.rules.terraform.security_group_unrestricted_egress

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "egress", i, field]} if {
	input.type == "aws_security_group"
	_in_scope
	some i, rule in tf.array_at(input.values, "egress")
	lower(sprintf("%v", [rule.protocol])) in {"-1", "all"}
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.array_at(rule, field)
	cidr in {"0.0.0.0/0", "::/0"}
	msg := sprintf("%s (cardholder data) egress #%d allows all traffic to %s", [tf.label, i, cidr])
}

deny contains {"msg": msg, "path": ["values", field]} if {
	input.type == "aws_vpc_security_group_egress_rule"
	_in_scope
	lower(sprintf("%v", [input.values.ip_protocol])) in {"-1", "all"}
	some field in ["cidr_ipv4", "cidr_ipv6"]
	cidr := input.values[field]
	cidr in {"0.0.0.0/0", "::/0"}
	msg := sprintf("%s (cardholder data) allows all traffic to %s", [tf.label, cidr])
}

_in_scope if lower(sprintf("%v", [tf.tag(data.compliance.params.scope_tag)])) in {lower(v) | some v in data.compliance.params.scope_values}
