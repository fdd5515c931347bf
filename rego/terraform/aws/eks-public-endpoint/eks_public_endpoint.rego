# METADATA
# title: Production EKS API endpoint open to the internet
# description: A production cluster's Kubernetes API endpoint is reachable from any address, so the control plane is one leaked credential or API vulnerability away from the internet.
# custom:
#   id: AWS-040
#   severity: high
#   remediation: Set vpc_config { endpoint_public_access = false, endpoint_private_access = true }, or limit public_access_cidrs to known ranges.
#   applies_to:
#     family: terraform
#     types: [aws_eks_cluster]
#   environments: [production]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
package compliance.rules.terraform.eks_public_endpoint

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["vpc_config", 0, "public_access_cidrs"])} if {
	tf.value(["vpc_config", 0, "endpoint_public_access"], true) == true
	tf.known(["vpc_config", 0, "endpoint_public_access"])
	tf.known(["vpc_config", 0, "public_access_cidrs"])
	v := tf.value(["vpc_config", 0, "public_access_cidrs"], ["0.0.0.0/0"])
	"0.0.0.0/0" in v
	msg := sprintf("%s exposes its API endpoint to %v", [tf.label, v])
}
