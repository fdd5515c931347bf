# METADATA
# title: EKS cluster on an unsupported Kubernetes version
# description: A cluster runs a Kubernetes minor version older than the oldest one still in standard support, so it gets no security patches (or costs extended-support fees).
# custom:
#   id: AWS-043
#   severity: medium
#   remediation: Upgrade the cluster one minor version at a time to a supported version and set version accordingly.
#   applies_to:
#     family: terraform
#     types: [aws_eks_cluster]
#   params:
#     min_version: "1.30"
#   references:
#     - https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
package compliance.rules.terraform.eks_version_unsupported

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "version"]} if {
	version := input.values.version
	is_string(version)
	_older(version, data.compliance.params.min_version)
	msg := sprintf("%s runs Kubernetes %s (oldest supported %s)", [tf.label, version, data.compliance.params.min_version])
}

_minor(v) := [to_number(parts[0]), to_number(parts[1])] if {
	parts := split(v, ".")
	count(parts) >= 2
}

_older(v, minimum) if {
	a := _minor(v)
	b := _minor(minimum)
	a[0] < b[0]
}

_older(v, minimum) if {
	a := _minor(v)
	b := _minor(minimum)
	a[0] == b[0]
	a[1] < b[1]
}
