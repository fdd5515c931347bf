# METADATA
# title: Production VPC with fewer NAT gateways than availability zones
# description: A production VPC routes several availability zones through fewer NAT gateways, so losing the zone of a NAT gateway cuts outbound traffic for the other zones too.
# custom:
#   id: AWS-034
#   severity: low
#   remediation: Create one aws_nat_gateway per availability zone (one_nat_gateway_per_az = true in the community VPC module) and route each zone's private subnets to its own.
#   applies_to:
#     family: terraform
#     types: [aws_vpc]
#   environments: [production]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html
package compliance.rules.terraform.nat_gateway_single_az

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: subnets and NAT gateways are separate resources.
deny contains {"msg": msg, "path": []} if {
	subnets := tf.related(data.compliance.inventory, "aws_subnet", "vpc_id", null)
	zones := {z | some s in subnets; z := s.values.availability_zone; is_string(z)}
	subnet_addresses := {tf.base_address(s.address) | some s in subnets}
	nats := {n.address |
		some n in tf.all_of_type(data.compliance.inventory, "aws_nat_gateway")
		some ref in tf.array_at(n, ["references", "subnet_id"])
		ref in subnet_addresses
	}
	count(nats) > 0
	count(nats) < count(zones)
	msg := sprintf("%s spans %d availability zones (%s) but has %d NAT gateway(s)", [tf.label, count(zones), concat(", ", sort(zones)), count(nats)])
}
