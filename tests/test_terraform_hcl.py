"""`.tf` directories through python-hcl2: static values, unknowns, lines, errors."""

from __future__ import annotations

from pathlib import Path

from compliance.discover import discover
from compliance.loaders import LoadContext, terraform_hcl
from compliance.model import Skipped, Source

MODULE = Path(__file__).parent / "fixtures" / "terraform" / "hcl-module"


def _load(root: Path):
    found = discover([str(root)], root=root)
    targets = [t for t in found.targets if t.kind == "terraform-hcl"]
    assert len(targets) == 1
    return found, terraform_hcl.load(targets[0], LoadContext())


def test_discovery_makes_one_target_per_directory():
    found, _loaded = _load(MODULE)
    assert [(t.display, t.kind) for t in found.targets] == [(".", "terraform-hcl")]
    assert found.skipped == [
        Skipped("terraform.tfvars", "Terraform variables (read with the .tf files of its directory)")]


def test_resources_with_lines_and_regions():
    _found, loaded = _load(MODULE)
    assert loaded.issues == []
    got = [(r.id, r.source, r.body.get("region"), r.environment) for r in loaded.resources]
    assert got == [
        ("aws_s3_bucket.audit", Source("main.tf", 1, 4), "eu-west-1", "production"),
        ("aws_cloudwatch_log_group.api", Source("main.tf", 6, 10), "eu-west-1", None),
        ("aws_security_group.api", Source("main.tf", 12, 31), "eu-west-1", None),
        # aws_kms_key.replica_source has count = 0: not created, not loaded.
        ("aws_kms_key.dr", Source("main.tf", 39, 50), "eu-central-1", None),
    ]


def test_static_values_variables_locals_tfvars_and_jsonencode():
    _found, loaded = _load(MODULE)
    bucket, logs, group, key = (r.body for r in loaded.resources)
    # Template over a local over a variable default; a local object.
    assert bucket["values"] == {"bucket": "acme-production-audit",
                                "tags": {"Environment": "production", "Team": "payments"}}
    # retention_days from terraform.tfvars; kms_key_arn has no default: unknown.
    assert logs["values"] == {"name": "/payments/api", "retention_in_days": 30}
    assert logs["after_unknown"] == {"kms_key_id": True}
    # dynamic blocks are unknown; static blocks are lists like the plan's.
    assert group["values"]["egress"] == [{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": ["0.0.0.0/0"]}]
    assert group["after_unknown"] == {"ingress": True}
    # jsonencode of a literal (with a resolved template) becomes the plan's JSON string.
    assert key["values"] == {"policy": '{"Statement":[{"Effect":"Allow","Principal":{"AWS":'
                                       '"arn:aws:iam::111122223333:role/production-app"},'
                                       '"Action":"kms:*","Resource":"*"}]}'}
    assert key["after_unknown"] == {"enable_key_rotation": True}  # a comparison: not evaluated


def test_body_has_plan_shape():
    _found, loaded = _load(MODULE)
    body = loaded.resources[0].body
    assert sorted(body) == ["actions", "address", "after_unknown", "configuration", "mode", "name", "provider_name",
                            "references", "region", "type", "unresolved_references", "values"]
    assert body["configuration"] == "."  # the root directory scanned: other roots never refer to it
    assert (body["address"], body["mode"], body["provider_name"]) == (
        "aws_s3_bucket.audit", "managed", "registry.terraform.io/hashicorp/aws")


def test_references_to_other_resources(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n\n'
        'resource "aws_s3_bucket_versioning" "b" {\n  bucket = aws_s3_bucket.b.id\n'
        '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')
    _found, loaded = _load(tmp_path)
    versioning = loaded.resources[1].body
    assert versioning["references"] == {"bucket": ["aws_s3_bucket.b"]}
    assert versioning["after_unknown"] == {"bucket": True}
    assert versioning["values"] == {"versioning_configuration": [{"status": "Enabled"}]}


def test_attribute_lines():
    _found, loaded = _load(MODULE)
    group = loaded.resources[2]
    assert loaded.locate(group, ("values", "egress", 0, "cidr_blocks")) == (29, 29)
    assert loaded.locate(group, ("values", "ingress", 0, "cidr_blocks")) == (21, 21)  # inside dynamic content
    assert loaded.locate(group, ("values", "name")) == (13, 13)


def test_invalid_hcl_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "ok.tf").write_text('resource "aws_s3_bucket" "a" {\n  bucket = "a"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    _found, loaded = _load(tmp_path)
    assert [r.id for r in loaded.resources] == ["aws_s3_bucket.a"]
    assert [(i.path, i.line, i.message.split(":")[0]) for i in loaded.issues] == [("broken.tf", 2, "invalid HCL")]
