# METADATA
# title: EKS control plane logs not all enabled
# description: A cluster does not send some control-plane logs (API, audit, authenticator) to CloudWatch, so who did what in the cluster is not recorded.
# custom:
#   id: AWS-042
#   severity: medium
#   remediation: Set enabled_cluster_log_types to include at least api, audit and authenticator.
#   applies_to:
#     family: terraform
#     types: [aws_eks_cluster]
#   params:
#     required: ["api", "audit", "authenticator"]
#   references:
#     - https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
package compliance.rules.terraform.eks_control_plane_logging_incomplete

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "enabled_cluster_log_types"]} if {
	tf.known(["enabled_cluster_log_types"])
	enabled := {t | some t in tf.array_at(input.values, "enabled_cluster_log_types")}
	missing := {t | some t in data.compliance.params.required} - enabled
	count(missing) > 0
	msg := sprintf("%s does not log %s to CloudWatch", [tf.label, concat(", ", sort(missing))])
}
