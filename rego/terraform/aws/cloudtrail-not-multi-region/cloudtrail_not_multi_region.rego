# METADATA
# title: CloudTrail trail covers one region
# description: A trail records API calls in its home region only, so activity in any other region (where an attacker would prefer to work) goes unlogged.
# custom:
#   id: AWS-050
#   severity: high
#   remediation: Set is_multi_region_trail = true (and include_global_service_events = true).
#   applies_to:
#     family: terraform
#     types: [aws_cloudtrail]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html
package compliance.rules.terraform.cloudtrail_not_multi_region

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["is_multi_region_trail"])} if {
	tf.known(["is_multi_region_trail"])
	v := tf.value(["is_multi_region_trail"], false)
	v != true
	msg := sprintf("%s logs a single region only (is_multi_region_trail: %v)", [tf.label, v])
}
