package compliance.rules.terraform.eks_version_unsupported_test

import rego.v1

import data.compliance.rules.terraform.eks_version_unsupported

test_fail_old_version if {
	eks_version_unsupported.deny == {{
		"msg": `aws_eks_cluster "c" runs Kubernetes 1.27 (oldest supported 1.30)`,
		"path": ["values", "version"],
	}} with input as {"type": "aws_eks_cluster", "name": "c", "values": {"version": "1.27"}}
		with data.compliance.params as {"min_version": "1.30"}
}

test_success_supported if {
	eks_version_unsupported.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {"version": "1.31"}}
		with data.compliance.params as {"min_version": "1.30"}
	eks_version_unsupported.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {"version": "1.30"}}
		with data.compliance.params as {"min_version": "1.30"}
}

test_success_version_unset if {
	eks_version_unsupported.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {}}
		with data.compliance.params as {"min_version": "1.30"}
}
