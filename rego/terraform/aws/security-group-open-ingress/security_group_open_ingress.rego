# METADATA
# title: Security group open to the internet
# description: A security group admits traffic from 0.0.0.0/0 or ::/0 to ports other than the public web ports, exposing SSH, RDP, databases or every port to the whole internet.
# custom:
#   id: AWS-030
#   severity: high
#   remediation: Restrict the source to known CIDRs or security groups, reach administration ports through SSM Session Manager or a VPN, and open only the allowed public ports to the internet.
#   applies_to:
#     family: terraform
#     types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   params:
#     allowed_public_ports: [80, 443]
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
#     - https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53
package compliance.rules.terraform.security_group_open_ingress

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "ingress", i, field]} if {
	input.type == "aws_security_group"
	some i, rule in tf.array_at(input.values, "ingress")
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.array_at(rule, field)
	cidr in {"0.0.0.0/0", "::/0"}
	_exposed(rule.protocol, rule.from_port, rule.to_port)
	msg := sprintf("%s ingress #%d allows %s to %s", [tf.label, i, cidr, _ports(rule.protocol, rule.from_port, rule.to_port)])
}

deny contains {"msg": msg, "path": ["values", field]} if {
	input.type == "aws_security_group_rule"
	input.values.type == "ingress"
	some field in ["cidr_blocks", "ipv6_cidr_blocks"]
	some cidr in tf.array_at(input.values, field)
	cidr in {"0.0.0.0/0", "::/0"}
	_exposed(input.values.protocol, input.values.from_port, input.values.to_port)
	msg := sprintf("%s allows %s to %s", [tf.label, cidr, _ports(input.values.protocol, input.values.from_port, input.values.to_port)])
}

deny contains {"msg": msg, "path": ["values", field]} if {
	input.type == "aws_vpc_security_group_ingress_rule"
	some field in ["cidr_ipv4", "cidr_ipv6"]
	cidr := input.values[field]
	cidr in {"0.0.0.0/0", "::/0"}
	protocol := input.values.ip_protocol
	from := tf.value(["from_port"], -1)
	to := tf.value(["to_port"], -1)
	_exposed(protocol, from, to)
	msg := sprintf("%s allows %s to %s", [tf.label, cidr, _ports(protocol, from, to)])
}

_all(protocol) if lower(sprintf("%v", [protocol])) in {"-1", "all"}

_icmp(protocol) if lower(sprintf("%v", [protocol])) in {"icmp", "icmpv6", "1", "58"}

_exposed(protocol, _, _) if _all(protocol)

_exposed(protocol, from, to) if {
	not _all(protocol)
	not _icmp(protocol)
	not _allowed(from, to)
}

_allowed(from, to) if {
	from == to
	from in data.compliance.params.allowed_public_ports
}

_ports(protocol, from, to) := "all ports (SSH, RDP and every other)" if _all(protocol)

else := "all ports (SSH, RDP and every other)" if {
	from <= 0
	to >= 65535
} else := sprintf("port %d%s", [from, _names(from, to)]) if {
	from == to
} else := sprintf("ports %d-%d%s", [from, to, _names(from, to)])

_names(from, to) := concat("", [n |
	some port, name in {"22": "SSH", "3389": "RDP"}
	to_number(port) >= from
	to_number(port) <= to
	n := sprintf(" (%s)", [name])
])
