# METADATA
# title: ECR repository allows tags to be overwritten
# description: Image tags can be moved to new images, so the image a tag names in a reviewed manifest can change after review.
# custom:
#   id: AWS-077
#   severity: medium
#   remediation: Set image_tag_mutability = "IMMUTABLE".
#   applies_to:
#     family: terraform
#     types: [aws_ecr_repository]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
package compliance.rules.terraform.ecr_tags_mutable

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["image_tag_mutability"])} if {
	tf.known(["image_tag_mutability"])
	v := tf.value(["image_tag_mutability"], "MUTABLE")
	not v in {"IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"}
	msg := sprintf("%s lets tags be overwritten (image_tag_mutability: %q)", [tf.label, v])
}
