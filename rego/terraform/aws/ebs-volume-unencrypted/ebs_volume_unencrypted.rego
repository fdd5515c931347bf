# METADATA
# title: EBS volume not encrypted
# description: An EBS volume, instance disk or launch template disk is not encrypted, so data at rest and its snapshots are in clear.
# custom:
#   id: AWS-015
#   severity: high
#   remediation: Set encrypted = true on the volume or block device (and kms_key_id for a customer managed key), or enable aws_ebs_encryption_by_default.
#   applies_to:
#     family: terraform
#     types: [aws_ebs_volume, aws_instance, aws_launch_template, aws_ebs_encryption_by_default]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
package compliance.rules.terraform.ebs_volume_unencrypted

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": ["values", "encrypted"]} if {
	input.type == "aws_ebs_volume"
	tf.known(["encrypted"])
	tf.value(["encrypted"], false) != true
	msg := sprintf("%s is not encrypted (encrypted: %v)", [tf.label, tf.value(["encrypted"], null)])
}

deny contains {"msg": msg, "path": ["values", "enabled"]} if {
	input.type == "aws_ebs_encryption_by_default"
	input.values.enabled == false
	msg := sprintf("%s turns EBS default encryption off (enabled: false)", [tf.label])
}

deny contains {"msg": msg, "path": ["values", field, i, "encrypted"]} if {
	input.type == "aws_instance"
	some field in ["root_block_device", "ebs_block_device"]
	some i, device in tf.array_at(input.values, field)
	tf.known([field, i, "encrypted"])
	object.get(device, "encrypted", false) != true
	msg := sprintf("%s %s %s is not encrypted (encrypted: %v)", [tf.label, field, _device(device, i), object.get(device, "encrypted", null)])
}

deny contains {"msg": msg, "path": ["values", "block_device_mappings", i, "ebs", 0, "encrypted"]} if {
	input.type == "aws_launch_template"
	some i, mapping in tf.array_at(input.values, "block_device_mappings")
	some ebs in tf.array_at(mapping, "ebs")
	tf.known(["block_device_mappings", i, "ebs", 0, "encrypted"])
	not object.get(ebs, "encrypted", "false") in {true, "true"}
	msg := sprintf("%s block device %s is not encrypted (encrypted: %v)", [tf.label, _device(mapping, i), object.get(ebs, "encrypted", null)])
}

_device(d, i) := sprintf("%q", [d.device_name]) if is_string(d.device_name)

else := sprintf("#%d", [i])
