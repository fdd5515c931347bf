package compliance.rules.terraform.ebs_volume_unencrypted_test

import rego.v1

import data.compliance.rules.terraform.ebs_volume_unencrypted

test_fail_volume if {
	ebs_volume_unencrypted.deny == {{
		"msg": `aws_ebs_volume "data" is not encrypted (encrypted: false)`,
		"path": ["values", "encrypted"],
	}} with input as {"type": "aws_ebs_volume", "name": "data", "values": {"encrypted": false}}
}

test_fail_instance_root_device if {
	ebs_volume_unencrypted.deny == {{
		"msg": `aws_instance "web" root_block_device #0 is not encrypted (encrypted: false)`,
		"path": ["values", "root_block_device", 0, "encrypted"],
	}} with input as {"type": "aws_instance", "name": "web", "values": {"root_block_device": [{"encrypted": false}], "ebs_block_device": [{"device_name": "/dev/sdb", "encrypted": true}]}}
}

test_fail_launch_template if {
	ebs_volume_unencrypted.deny == {{
		"msg": `aws_launch_template "nodes" block device "/dev/xvda" is not encrypted (encrypted: null)`,
		"path": ["values", "block_device_mappings", 0, "ebs", 0, "encrypted"],
	}} with input as {"type": "aws_launch_template", "name": "nodes", "values": {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"volume_size": 50}]}]}}
}

test_fail_default_encryption_off if {
	ebs_volume_unencrypted.deny == {{
		"msg": `aws_ebs_encryption_by_default "this" turns EBS default encryption off (enabled: false)`,
		"path": ["values", "enabled"],
	}} with input as {"type": "aws_ebs_encryption_by_default", "name": "this", "values": {"enabled": false}}
}

test_success_encrypted if {
	ebs_volume_unencrypted.deny == set() with input as {"type": "aws_ebs_volume", "name": "data", "values": {"encrypted": true}}
	ebs_volume_unencrypted.deny == set() with input as {"type": "aws_launch_template", "name": "n", "values": {"block_device_mappings": [{"ebs": [{"encrypted": "true"}]}]}}
	ebs_volume_unencrypted.deny == set() with input as {"type": "aws_ebs_encryption_by_default", "name": "this", "values": {"enabled": true}}
}

test_success_unknown if {
	ebs_volume_unencrypted.deny == set() with input as {"type": "aws_instance", "name": "web", "values": {"root_block_device": [{}]}, "after_unknown": {"root_block_device": [{"encrypted": true}]}}
}
