# METADATA
# title: PCI-scope security group allows all outbound traffic
# description: A security group of a workload in PCI DSS scope (tagged as the cardholder data environment, or tagged with pci-dss as its compliance scope) allows every protocol to 0.0.0.0/0 or ::/0 outbound, so a compromised host can send card data anywhere.
# custom:
#   id: AWS-031
#   severity: high
#   remediation: Replace the allow-all egress with rules to the specific destinations (VPC endpoints, the database, a proxy) on the specific ports.
#   applies_to:
#     family: terraform
#     types: [aws_security_group, aws_vpc_security_group_egress_rule]
#   params:
#     scope_tags:
#       PCIScope: ["cde", "cardholder", "true"]
#       Compliance: ["pci-dss", "pci"]
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
#     - https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0_1.pdf
package compliance.rules.terraform.security_group_unrestricted_egress

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "egress", i, field]} if {
	input.type == "aws_security_group"
	scope := _scope
	some i, rule in tf.array_at(input.values, "egress")
	lower(sprintf("%v", [rule.protocol])) in {"-1", "all"}
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.array_at(rule, field)
	cidr in {"0.0.0.0/0", "::/0"}
	msg := sprintf("%s (PCI scope: %s) egress #%d allows all traffic to %s", [tf.label, scope, i, cidr])
}

deny contains {"msg": msg, "path": ["values", field]} if {
	input.type == "aws_vpc_security_group_egress_rule"
	scope := _scope
	lower(sprintf("%v", [input.values.ip_protocol])) in {"-1", "all"}
	some field in ["cidr_ipv4", "cidr_ipv6"]
	cidr := input.values[field]
	cidr in {"0.0.0.0/0", "::/0"}
	msg := sprintf("%s (PCI scope: %s) allows all traffic to %s", [tf.label, scope, cidr])
}

# The first (by tag name) scope tag whose value, split at commas, semicolons,
# slashes or spaces ("pci-dss,soc2"), holds one of its scope values: `Compliance = "pci-dss,soc2"`.
_scope := sort(_matches)[0] if count(_matches) > 0

_matches contains sprintf("%s = %q", [name, value]) if {
	some name, wanted in data.compliance.params.scope_tags
	value := tf.tag(name)
	some item in regex.split(`[,;/\s]+`, lower(trim_space(value)))
	item in {lower(w) | some w in wanted}
}
