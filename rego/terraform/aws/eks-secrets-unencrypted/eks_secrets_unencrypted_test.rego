package compliance.rules.terraform.eks_secrets_unencrypted_test

import rego.v1

import data.compliance.rules.terraform.eks_secrets_unencrypted

test_fail_no_encryption_config if {
	eks_secrets_unencrypted.deny == {{
		"msg": `aws_eks_cluster "c" does not encrypt Kubernetes secrets with a KMS key (no encryption_config for "secrets")`,
		"path": ["values", "encryption_config"],
	}} with input as {"type": "aws_eks_cluster", "name": "c", "values": {"encryption_config": []}}
}

test_success_secrets_encrypted if {
	eks_secrets_unencrypted.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {"encryption_config": [{"resources": ["secrets"], "provider": [{}]}]}}
}

test_success_unknown if {
	eks_secrets_unencrypted.deny == set() with input as {"type": "aws_eks_cluster", "name": "c", "values": {}, "after_unknown": {"encryption_config": true}}
}
