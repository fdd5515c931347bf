package compliance.rules.terraform.kms_key_rotation_disabled_test

import rego.v1

import data.compliance.rules.terraform.kms_key_rotation_disabled

test_fail_rotation_off if {
	kms_key_rotation_disabled.deny == {{
		"msg": `aws_kms_key "data" has automatic rotation off (enable_key_rotation: false)`,
		"path": ["values", "enable_key_rotation"],
	}} with input as {"type": "aws_kms_key", "name": "data", "values": {"enable_key_rotation": false, "customer_master_key_spec": "SYMMETRIC_DEFAULT"}}
}

test_fail_rotation_not_set if {
	kms_key_rotation_disabled.deny == {{
		"msg": `aws_kms_key "data" has automatic rotation off (enable_key_rotation: null)`,
		"path": ["values", "enable_key_rotation"],
	}} with input as {"type": "aws_kms_key", "name": "data", "values": {}}
}

test_success_rotation_on if {
	kms_key_rotation_disabled.deny == set() with input as {"type": "aws_kms_key", "name": "data", "values": {"enable_key_rotation": true}}
}

test_success_asymmetric_key if {
	kms_key_rotation_disabled.deny == set() with input as {"type": "aws_kms_key", "name": "sign", "values": {"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "enable_key_rotation": false}}
}

test_success_hmac_key if {
	kms_key_rotation_disabled.deny == set() with input as {"type": "aws_kms_key", "name": "mac", "values": {"customer_master_key_spec": "HMAC_256", "key_usage": "GENERATE_VERIFY_MAC"}}
}

test_success_unknown if {
	kms_key_rotation_disabled.deny == set() with input as {"type": "aws_kms_key", "name": "data", "values": {}, "after_unknown": {"enable_key_rotation": true}}
}
