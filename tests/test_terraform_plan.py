"""Terraform plan JSON loader: resources, .tf locations, unknowns, encodings, the corpus."""

from __future__ import annotations

import codecs
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from compliance.discover import discover
from compliance.loaders import LoadContext
from compliance.loaders import terraform_plan as tp
from compliance.loaders._terraform_common import document_for
from compliance.model import Origin, Skipped, Source

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
PLAN_REPO = FIXTURES / "plan-repo"
REPO = Path(__file__).resolve().parents[1]


def _corpus() -> Path | None:
    for candidate in (REPO.parent / "shared" / "corpus" / "tfplan", Path("/work/shared/corpus/tfplan")):
        if candidate.is_dir():
            return candidate
    return None


def _load(root: Path, *, options: dict | None = None):
    found = discover(["."] if root.is_dir() else [str(root)], root=root if root.is_dir() else root.parent)
    plans = [t for t in found.targets if t.kind in ("json", "terraform-plan")]
    assert len(plans) == 1
    loader = tp.load_json if plans[0].kind == "json" else tp.load
    return plans[0], loader(plans[0], LoadContext(options=options or {}))


def _in(directory: Path):
    class _Cwd:
        def __enter__(self):
            import os

            self.old = os.getcwd()
            os.chdir(directory)

        def __exit__(self, *exc):
            import os

            os.chdir(self.old)

    return _Cwd()


def test_plan_resources_point_at_tf_lines():
    # A document number of this plan: another plan mapping onto the same lines stays apart.
    DOC = document_for("plans/prod.json")  # noqa: N806
    assert DOC != 0
    with _in(PLAN_REPO):
        _target, loaded = _load(PLAN_REPO)
    got = [(r.id, r.type, r.name, r.environment, r.body.get("region"), r.source) for r in loaded.resources]
    assert got == [
        ("aws_s3_bucket.logs", "aws_s3_bucket", "logs", "production", "eu-west-1",
         Source("main.tf", 14, 20, document=DOC, pointer=("planned_values", "root_module", "resources", 0),
                origin=Origin("terraform-plan", "main.tf", 14, "plans/prod.json:12"))),
        ("aws_s3_bucket_server_side_encryption_configuration.logs",
         "aws_s3_bucket_server_side_encryption_configuration", "logs", "production", "eu-west-1",
         Source("main.tf", 22, 31, document=DOC, pointer=("planned_values", "root_module", "resources", 1),
                origin=Origin("terraform-plan", "main.tf", 22, "plans/prod.json:35"))),
        ("aws_s3_bucket.replica", "aws_s3_bucket", "replica", "production", "us-east-1",
         Source("main.tf", 33, 40, document=DOC, pointer=("planned_values", "root_module", "resources", 2),
                origin=Origin("terraform-plan", "main.tf", 33, "plans/prod.json:65"))),
        ("module.kms.aws_kms_key.this", "aws_kms_key", "this", "production", "eu-west-1",
         Source("modules/kms/main.tf", 1, 5, document=DOC,
                pointer=("planned_values", "root_module", "child_modules", 0, "resources", 0),
                origin=Origin("terraform-plan", "modules/kms/main.tf", 1, "plans/prod.json:89"))),
    ]
    assert loaded.skipped == [Skipped("plans/prod.json", "aws_s3_bucket.old: deleted by the plan, not checked")]
    assert loaded.issues == []


def test_plan_body_is_the_plan_resource_with_unknowns_and_references():
    with _in(PLAN_REPO):
        _target, loaded = _load(PLAN_REPO)
    sse = loaded.resources[1].body
    assert sse == {
        "address": "aws_s3_bucket_server_side_encryption_configuration.logs",
        "mode": "managed",
        "type": "aws_s3_bucket_server_side_encryption_configuration",
        "name": "logs",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "values": {"expected_bucket_owner": None, "rule": [{
            "apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}], "bucket_key_enabled": None}]},
        "after_unknown": {"bucket": True, "id": True,
                          "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]},
        # rule[0]...kms_master_key_id = module.kms.key_arn: followed through the module's output.
        "references": {"bucket": ["aws_s3_bucket.logs"], "rule": ["module.kms.aws_kms_key.this"]},
        "unresolved_references": {},
        "actions": ["create"],
        "configuration": "plans/prod.json",  # resources of other plans never refer to this one
        "region": "eu-west-1",
    }


def test_plan_attribute_lines_in_tf_file():
    with _in(PLAN_REPO):
        _target, loaded = _load(PLAN_REPO)
    sse, key = loaded.resources[1], loaded.resources[3]
    path = ("values", "rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm")
    assert loaded.locate(sse, path) == (27, 27)
    assert loaded.locate(key, ("values", "enable_key_rotation")) == (4, 4)
    # An attribute the .tf does not spell out: the resource block.
    assert loaded.locate(key, ("values", "multi_region")) == (1, 5)


def test_plan_without_tf_points_at_plan_json(tmp_path):
    shutil.copy(PLAN_REPO / "plans" / "prod.json", tmp_path / "prod.json")
    with _in(tmp_path):
        _target, loaded = _load(tmp_path)
    first = loaded.resources[0]
    assert first.source == Source("prod.json", 12, 34, pointer=("planned_values", "root_module", "resources", 0),
                                  origin=Origin("terraform-plan", None, None,
                                                "prod.json:12 (no .tf declaration found)"))
    assert loaded.locate(first, ("values", "bucket")) == (20, 20)


def test_plan_tf_root_option(tmp_path):
    shutil.copy(PLAN_REPO / "plans" / "prod.json", tmp_path / "prod.json")
    with _in(tmp_path):
        _target, loaded = _load(tmp_path, options={"tf_root": str(PLAN_REPO)})
    assert [(r.source.file.endswith("main.tf"), r.source.start_line) for r in loaded.resources] == [
        (True, 14), (True, 22), (True, 33), (True, 1)]


def test_plan_utf16_bom_loads(tmp_path):
    text = (PLAN_REPO / "plans" / "prod.json").read_text(encoding="utf-8")
    (tmp_path / "plan.json").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    with _in(tmp_path):
        _target, loaded = _load(tmp_path)
    assert [r.id for r in loaded.resources] == [
        "aws_s3_bucket.logs", "aws_s3_bucket_server_side_encryption_configuration.logs",
        "aws_s3_bucket.replica", "module.kms.aws_kms_key.this"]
    assert loaded.issues == []


def test_binary_plan_gets_terraform_show_hint(tmp_path):
    with zipfile.ZipFile(tmp_path / "plan.tfplan", "w") as archive:
        archive.writestr("tfplan", b"\x00\x01binary")
    with _in(tmp_path):
        target, loaded = _load(tmp_path)
    assert target.kind == "terraform-plan"
    assert [(i.path, i.message, i.line) for i in loaded.issues] == [(
        "plan.tfplan",
        "binary Terraform plan file, not JSON: run `terraform show -json plan.tfplan > plan.tfplan.json` "
        "and scan the JSON", None)]


def test_binary_plan_named_explicitly_without_suffix(tmp_path):
    with zipfile.ZipFile(tmp_path / "plan.out", "w") as archive:
        archive.writestr("tfplan", b"\x00")
    found = discover([str(tmp_path / "plan.out")], root=tmp_path)
    assert [(t.display, t.kind) for t in found.targets] == [("plan.out", "terraform-plan")]
    loaded = tp.load(found.targets[0], LoadContext())
    assert loaded.issues[0].message == (
        "binary Terraform plan file, not JSON: run `terraform show -json plan.out > plan.out.json` and scan the JSON")


def test_json_manifest_still_loads_as_kubernetes(tmp_path):
    (tmp_path / "cm.json").write_text(json.dumps(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}}))
    found = discover([str(tmp_path)], root=tmp_path)
    loaded = tp.load_json(found.targets[0], LoadContext())
    assert [(r.family, r.id, r.source.file) for r in loaded.resources] == [("kubernetes", "ConfigMap/n/c", "cm.json")]


def test_empty_plan_is_reported_as_skipped(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(
        {"format_version": "1.2", "terraform_version": "1.5.7", "planned_values": {"root_module": {}}}))
    with _in(tmp_path):
        _target, loaded = _load(tmp_path)
    assert (loaded.resources, loaded.skipped) == ([], [Skipped("p.json", "Terraform plan with no resources")])


def test_every_corpus_plan_loads():
    corpus = _corpus()
    if corpus is None:
        pytest.skip("shared/corpus/tfplan is not beside the repository (../shared/corpus/tfplan)")
    found = discover([str(corpus)], root=corpus)
    plans = [t for t in found.targets if t.kind == "json"]
    assert len(plans) == 183
    resources = 0
    for target in plans:
        loaded = tp.load_json(target, LoadContext())
        assert loaded.issues == [], target.display
        assert all(r.family == "terraform" for r in loaded.resources), target.display
        assert loaded.resources or loaded.skipped, target.display
        resources += len(loaded.resources)
    assert resources == 899
