# METADATA
# title: ECR repository does not scan images on push
# description: Images pushed to a repository are not scanned for known vulnerabilities, so vulnerable images reach clusters unnoticed.
# custom:
#   id: AWS-076
#   severity: medium
#   remediation: Set image_scanning_configuration { scan_on_push = true } (or enable enhanced scanning in the registry).
#   applies_to:
#     family: terraform
#     types: [aws_ecr_repository]
#   params: {}
#   references:
#     - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
package compliance.rules.terraform.ecr_scan_on_push_disabled

import rego.v1

import data.compliance.lib.terraform as tf

deny contains {"msg": msg, "path": array.concat(["values"], ["image_scanning_configuration", 0, "scan_on_push"])} if {
	tf.known(["image_scanning_configuration", 0, "scan_on_push"])
	v := tf.value(["image_scanning_configuration", 0, "scan_on_push"], false)
	v != true
	msg := sprintf("%s does not scan images on push (scan_on_push: %v)", [tf.label, v])
}
