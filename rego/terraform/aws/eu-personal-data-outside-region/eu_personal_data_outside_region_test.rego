package compliance.rules.terraform.eu_personal_data_outside_region_test

import rego.v1

import data.compliance.rules.terraform.eu_personal_data_outside_region

_params := {"tag": "PersonalData", "tag_values": ["eu"], "allowed_regions": ["eu-*"]}

_bucket(name, region, tags) := {"address": sprintf("aws_s3_bucket.%s", [name]), "type": "aws_s3_bucket", "name": name, "region": region, "values": {"bucket": sprintf("acme-%s", [name]), "tags": tags}}

test_fail_bucket_in_us if {
	bucket := _bucket("crm", "us-east-1", {"PersonalData": "EU"})
	eu_personal_data_outside_region.deny == {{
		"msg": `aws_s3_bucket "crm" holds EU personal data in region us-east-1 (allowed: eu-*)`,
		"path": ["region"],
	}} with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}

test_fail_replication_to_us if {
	source := _bucket("crm", "eu-west-1", {"PersonalData": "eu"})
	target := _bucket("crm_dr", "us-east-1", {})
	replication := {"address": "aws_s3_bucket_replication_configuration.crm", "type": "aws_s3_bucket_replication_configuration", "name": "crm", "region": "eu-west-1",
		"references": {"bucket": ["aws_s3_bucket.crm"]},
		"values": {"rule": [{"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::acme-crm_dr"}]}]}}
	eu_personal_data_outside_region.deny == {{
		"msg": `aws_s3_bucket_replication_configuration "crm" replicates EU personal data from aws_s3_bucket.crm to aws_s3_bucket.crm_dr in region us-east-1 (allowed: eu-*)`,
		"path": ["values", "rule", 0, "destination", 0, "bucket"],
	}} with input as replication with data.compliance.inventory as [source, target, replication] with data.compliance.params as _params
}

test_fail_replica_key if {
	key := {"address": "aws_kms_key.crm", "type": "aws_kms_key", "name": "crm", "region": "eu-west-1", "values": {"tags": {"PersonalData": "eu"}}}
	replica := {"address": "aws_kms_replica_key.crm", "type": "aws_kms_replica_key", "name": "crm", "region": "us-west-2", "references": {"primary_key_arn": ["aws_kms_key.crm"]}, "values": {}}
	eu_personal_data_outside_region.deny == {{
		"msg": `aws_kms_replica_key "crm" replicates key aws_kms_key.crm of EU personal data to region us-west-2 (allowed: eu-*)`,
		"path": ["region"],
	}} with input as replica with data.compliance.inventory as [key, replica] with data.compliance.params as _params
}

test_fail_backup_copy if {
	plan := {"type": "aws_backup_plan", "name": "crm", "region": "eu-central-1", "values": {"tags": {"PersonalData": "eu"}, "rule": [{"copy_action": [{"destination_vault_arn": "arn:aws:backup:us-east-1:111122223333:backup-vault:dr"}]}]}}
	eu_personal_data_outside_region.deny == {{
		"msg": `aws_backup_plan "crm" copies backups of EU personal data to a vault in region us-east-1 (allowed: eu-*)`,
		"path": ["values", "rule", 0, "copy_action", 0, "destination_vault_arn"],
	}} with input as plan with data.compliance.inventory as [plan] with data.compliance.params as _params
}

test_success_eu_region if {
	bucket := _bucket("crm", "eu-central-1", {"PersonalData": "eu"})
	eu_personal_data_outside_region.deny == set() with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}

test_success_untagged_in_us if {
	bucket := _bucket("web", "us-east-1", {})
	eu_personal_data_outside_region.deny == set() with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}

test_success_region_unknown if {
	bucket := object.remove(_bucket("crm", "x", {"PersonalData": "eu"}), ["region"])
	eu_personal_data_outside_region.deny == set() with input as bucket with data.compliance.inventory as [bucket] with data.compliance.params as _params
}
