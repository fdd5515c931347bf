# METADATA
# title: Private VPC without endpoints for S3, ECR or Secrets Manager
# description: A VPC with no internet gateway lacks VPC endpoints for services its workloads need, so pulls from ECR, S3 access and secret reads fail or get routed through ad-hoc proxies.
# custom:
#   id: AWS-035
#   severity: low
#   remediation: Add aws_vpc_endpoint resources for com.amazonaws.<region>.s3 (gateway), ecr.api, ecr.dkr and secretsmanager (interface) in the VPC.
#   applies_to:
#     family: terraform
#     types: [aws_vpc]
#   params:
#     services: ["s3", "ecr.api", "ecr.dkr", "secretsmanager"]
#   references:
#     - https://docs.aws.amazon.com/vpc/latest/userguide/../../vpc/latest/privatelink/aws-services-privatelink-support.html
#     - https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
package compliance.rules.terraform.vpc_endpoints_missing

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: gateways and endpoints are separate resources.
deny contains {"msg": msg, "path": []} if {
	count(_related("aws_internet_gateway")) == 0
	not _maybe_related("aws_internet_gateway")
	not _maybe_related("aws_vpc_endpoint")
	endpoints := _related("aws_vpc_endpoint")
	not _any_unknown(endpoints)
	missing := {s |
		some s in data.compliance.params.services
		not _covered(endpoints, s)
	}
	count(missing) > 0
	msg := sprintf("%s has no internet gateway and no VPC endpoint for %s", [tf.label, concat(", ", sort(missing))])
}

_related(type) := {r |
	some r in tf.related(data.compliance.inventory, type, "vpc_id", null)
}

# A gateway or endpoint whose vpc_id could not be followed (a module local, which
# plan JSON does not record) may belong to this VPC: unknown, so not a finding.
_maybe_related(type) if {
	some r in tf.of_type(data.compliance.inventory, type)
	some u in object.get(r, ["unresolved_references", "vpc_id"], [])
	_in_scope(u.scope)
}

_in_scope(scope) if scope == ""

_in_scope(scope) if startswith(input.address, concat("", [scope, "."]))


_covered(endpoints, service) if {
	some e in endpoints
	endswith(e.values.service_name, concat("", [".", service]))
}

_any_unknown(endpoints) if {
	some e in endpoints
	object.get(e, ["after_unknown", "service_name"], false) == true
}
