package compliance.rules.terraform.kms_key_deletion_window_short_test

import rego.v1

import data.compliance.rules.terraform.kms_key_deletion_window_short

test_fail_seven_days if {
	kms_key_deletion_window_short.deny == {{
		"msg": `aws_kms_key "k" can be deleted 7 days after scheduling (deletion_window_in_days: 7, minimum 30)`,
		"path": ["values", "deletion_window_in_days"],
	}} with input as {"type": "aws_kms_key", "name": "k", "values": {"deletion_window_in_days": 7}}
		with data.compliance.params as {"min_days": 30}
}

test_fail_custom_minimum if {
	count(kms_key_deletion_window_short.deny) == 1 with input as {"type": "aws_kms_key", "name": "k", "values": {"deletion_window_in_days": 14}}
		with data.compliance.params as {"min_days": 20}
}

test_success_thirty_days if {
	kms_key_deletion_window_short.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {"deletion_window_in_days": 30}}
		with data.compliance.params as {"min_days": 30}
}

test_success_default_window if {
	kms_key_deletion_window_short.deny == set() with input as {"type": "aws_kms_key", "name": "k", "values": {"deletion_window_in_days": null}}
		with data.compliance.params as {"min_days": 30}
}
