# METADATA
# title: EU personal data stored outside the allowed regions
# description: A resource tagged as holding EU personal data, or a replica, replica key or backup copy of one, is placed in a region outside the allowed ones, which moves personal data out of the agreed jurisdiction.
# custom:
#   id: AWS-080
#   severity: high
#   remediation: Create the resource, its replication destination, replica keys and backup copy vaults in an allowed region (by default an EU region), or record a transfer basis and a waiver.
#   applies_to:
#     family: terraform
#     types: [aws_s3_bucket, aws_s3_bucket_replication_configuration, aws_db_instance, aws_rds_cluster, aws_dynamodb_table, aws_ebs_volume, aws_efs_file_system, aws_kms_key, aws_kms_replica_key, aws_backup_plan, aws_elasticache_replication_group, aws_opensearch_domain, aws_kinesis_stream, aws_sqs_queue, aws_cloudwatch_log_group, aws_eks_cluster, aws_redshift_cluster, aws_secretsmanager_secret]
#   params:
#     tag: "PersonalData"
#     tag_values: ["eu", "true", "yes", "gdpr"]
#     allowed_regions: ["eu-*"]
#   references:
#     - https://eur-lex.europa.eu/eli/reg/2016/679/oj
#     - https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
package compliance.rules.terraform.eu_personal_data_outside_region

import rego.v1

import data.compliance.lib.terraform as tf

# Reads data.compliance.inventory: replicas and keys are judged by what they copy.
deny contains {"msg": msg, "path": ["region"]} if {
	_personal(input)
	not _allowed(input.region)
	msg := sprintf("%s holds EU personal data in region %s (allowed: %s)", [tf.label, input.region, _allowed_text])
}

# A replica key of a key tagged as personal data.
deny contains {"msg": msg, "path": ["region"]} if {
	input.type == "aws_kms_replica_key"
	some key in tf.all_of_type(data.compliance.inventory, "aws_kms_key")
	tf.base_address(key.address) in tf.array_at(input, ["references", "primary_key_arn"])
	_personal(key)
	not _allowed(input.region)
	msg := sprintf("%s replicates key %s of EU personal data to region %s (allowed: %s)", [tf.label, key.address, input.region, _allowed_text])
}

# Replication of a personal-data bucket to a bucket in another region.
deny contains {"msg": msg, "path": ["values", "rule", i, "destination", 0, "bucket"]} if {
	input.type == "aws_s3_bucket_replication_configuration"
	some source in tf.all_of_type(data.compliance.inventory, "aws_s3_bucket")
	tf.base_address(source.address) in tf.array_at(input, ["references", "bucket"])
	_personal(source)
	some i, rule in tf.array_at(input.values, "rule")
	some target in tf.all_of_type(data.compliance.inventory, "aws_s3_bucket")
	rule.destination[0].bucket == sprintf("arn:aws:s3:::%s", [target.values.bucket])
	not _allowed(target.region)
	msg := sprintf("%s replicates EU personal data from %s to %s in region %s (allowed: %s)", [tf.label, source.address, target.address, target.region, _allowed_text])
}

# A backup plan for personal data copying recovery points to a vault in another region.
deny contains {"msg": msg, "path": ["values", "rule", i, "copy_action", j, "destination_vault_arn"]} if {
	input.type == "aws_backup_plan"
	_personal(input)
	some i, rule in tf.array_at(input.values, "rule")
	some j, copy in tf.array_at(rule, "copy_action")
	region := split(copy.destination_vault_arn, ":")[3]
	not _allowed(region)
	msg := sprintf("%s copies backups of EU personal data to a vault in region %s (allowed: %s)", [tf.label, region, _allowed_text])
}

_personal(r) if {
	some k, v in tf.object_at(r, ["values", "tags"])
	lower(k) == lower(data.compliance.params.tag)
	lower(sprintf("%v", [v])) in {lower(x) | some x in data.compliance.params.tag_values}
}

_allowed(region) if {
	some pattern in data.compliance.params.allowed_regions
	glob.match(pattern, [], region)
}

_allowed_text := concat(", ", data.compliance.params.allowed_regions)
