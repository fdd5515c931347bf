package compliance.rules.terraform.s3_bucket_public_access_test

import rego.v1

import data.compliance.rules.terraform.s3_bucket_public_access

test_fail_public_read_acl if {
	s3_bucket_public_access.deny == {{
		"msg": `aws_s3_bucket_acl "site" uses the public canned ACL "public-read"`,
		"path": ["values", "acl"],
	}} with input as {"type": "aws_s3_bucket_acl", "name": "site", "values": {"acl": "public-read"}}
}

test_fail_policy_allows_everyone if {
	policy := json.marshal({"Version": "2012-10-17", "Statement": [
		{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::site/*"},
		{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::site/*"},
	]})
	s3_bucket_public_access.deny == {
		{"msg": `aws_s3_bucket_policy "site" policy statement "Public" allows ["s3:GetObject"] to everyone (Principal "*", no Condition)`, "path": ["values", "policy"]},
		{"msg": `aws_s3_bucket_policy "site" policy statement #1 allows ["s3:PutObject"] to everyone (Principal "*", no Condition)`, "path": ["values", "policy"]},
	} with input as {"type": "aws_s3_bucket_policy", "name": "site", "values": {"policy": policy}}
}

test_success_private_acl if {
	s3_bucket_public_access.deny == set() with input as {"type": "aws_s3_bucket", "name": "b", "values": {"acl": "private"}}
}

test_success_policy_with_condition if {
	policy := json.marshal({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]})
	s3_bucket_public_access.deny == set() with input as {"type": "aws_s3_bucket_policy", "name": "b", "values": {"policy": policy}}
}

test_success_policy_unknown if {
	s3_bucket_public_access.deny == set() with input as {"type": "aws_s3_bucket_policy", "name": "b", "values": {}, "after_unknown": {"policy": true}}
}
