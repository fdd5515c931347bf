# METADATA
# title: Production KMS key is single-region
# description: A production KMS key exists in one region only, so data replicated to the recovery region cannot be decrypted there when the primary region is lost.
# custom:
#   id: AWS-013
#   severity: low
#   remediation: Create production keys with multi_region = true and add an aws_kms_replica_key in the recovery region.
#   applies_to:
#     family: terraform
#     types: [aws_kms_key]
#   environments: [production]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html
package compliance.rules.terraform.kms_key_not_multi_region

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "multi_region"]} if {
	tf.known(["multi_region"])
	tf.value(["multi_region"], false) != true
	msg := sprintf("%s is a single-region key (multi_region: %v)", [tf.label, tf.value(["multi_region"], null)])
}
