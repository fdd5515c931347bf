package compliance.rules.terraform.eks_control_plane_logging_incomplete_test

import rego.v1

import data.compliance.rules.terraform.eks_control_plane_logging_incomplete

test_fail_audit_missing if {
	eks_control_plane_logging_incomplete.deny == {{
		"msg": `aws_eks_cluster "c" does not log audit, authenticator to CloudWatch`,
		"path": ["values", "enabled_cluster_log_types"],
	}} with input as {"type": "aws_eks_cluster", "name": "c", "values": {"enabled_cluster_log_types": ["api"]}}
		with data.compliance.params as {"required": ["api", "audit", "authenticator"]}
}

test_success_all_required if {
	eks_control_plane_logging_incomplete.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {"enabled_cluster_log_types": ["api", "audit", "authenticator", "scheduler"]}}
		with data.compliance.params as {"required": ["api", "audit", "authenticator"]}
}
