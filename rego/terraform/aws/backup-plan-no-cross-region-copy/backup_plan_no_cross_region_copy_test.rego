package compliance.rules.terraform.backup_plan_no_cross_region_copy_test

import rego.v1

import data.compliance.rules.terraform.backup_plan_no_cross_region_copy

test_fail_no_copy if {
	backup_plan_no_cross_region_copy.deny == {{
		"msg": `aws_backup_plan "prod" copies no recovery point to another region (plan in eu-west-1)`,
		"path": ["values", "rule"],
	}} with input as {"type": "aws_backup_plan", "name": "prod", "region": "eu-west-1", "values": {"rule": [{"rule_name": "daily", "copy_action": []}]}}
}

test_fail_copy_same_region if {
	count(backup_plan_no_cross_region_copy.deny) == 1 with input as {"type": "aws_backup_plan", "name": "prod", "region": "eu-west-1", "values": {"rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:eu-west-1:111122223333:backup-vault:second"}]}]}}
}

test_success_copy_to_other_region if {
	backup_plan_no_cross_region_copy.deny == set() with input as {"type": "aws_backup_plan", "name": "prod", "region": "eu-west-1", "values": {"rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:eu-central-1:111122223333:backup-vault:dr"}]}]}}
}

test_success_destination_unknown if {
	backup_plan_no_cross_region_copy.deny == set() with input as {"type": "aws_backup_plan", "name": "prod", "values": {"rule": [{"copy_action": [{}]}]}, "after_unknown": {"rule": [{"copy_action": [{"destination_vault_arn": true}]}]}}
}
