# METADATA
# title: EKS secrets not envelope-encrypted with KMS
# description: A cluster stores Kubernetes Secrets in etcd without envelope encryption under a customer managed KMS key.
# custom:
#   id: AWS-041
#   severity: medium
#   remediation: Add encryption_config { resources = ["secrets"] provider { key_arn = aws_kms_key.eks.arn } } to the cluster.
#   applies_to:
#     family: terraform
#     types: [aws_eks_cluster]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
package compliance.rules.terraform.eks_secrets_unencrypted

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "encryption_config"]} if {
	tf.known(["encryption_config"])
	not _secrets_encrypted
	msg := sprintf("%s does not encrypt Kubernetes secrets with a KMS key (no encryption_config for \"secrets\")", [tf.label])
}

_secrets_encrypted if {
	some config in tf.array_at(input.values, "encryption_config")
	"secrets" in config.resources
}
