"""Hostile Terraform plan JSON: unsupported format, truncation, wrong section types, 50,000 resources."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import run

from compliance.discover import Target
from compliance.loaders import LoadContext
from compliance.loaders import terraform_plan as tp
from compliance.model import InputIssue, Skipped

FUTURE = '{"format_version": "2.0", "terraform_version": "2.0.0",\n "planned_values": {"root_module": {}}}\n'
TRUNCATED = ('{"format_version": "1.2", "terraform_version": "1.5.7",\n'
             ' "planned_values": {"root_module": {"resources": [{"address": "aws_s3_bucket.b",')
BUCKET = {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
          "provider_name": "registry.terraform.io/hashicorp/aws", "values": {"bucket": "b"}}


def _plan(tmp_path: Path, text: str, name: str = "plan.json"):
    path = tmp_path / name
    path.write_text(text)
    kind = "json" if name.endswith(".json") else "terraform-plan"
    loader = tp.load_json if kind == "json" else tp.load
    return loader(Target(path, name, kind), LoadContext())


@pytest.mark.parametrize("version, shown, line", [("2.0", '"2.0"', 1), ("1.x", '"1.x"', 1), (12, "12", 1),
                                                  (None, "null", 1)])
def test_unsupported_format_version_is_refused_with_its_line(tmp_path, version, shown, line):
    text = json.dumps({"format_version": version, "terraform_version": "9.0.0",
                       "planned_values": {"root_module": {"resources": [BUCKET]}}})
    loaded = _plan(tmp_path, text)
    assert loaded.resources == []
    assert loaded.issues == [InputIssue(
        "plan.json", f"Terraform plan format_version {shown} is not supported (plan JSON formats 0.x and 1.x "
        "are read); refused", line)]


def test_supported_format_versions_load(tmp_path):
    for version in ("0.1", "0.2", "1.0", "1.2", "1.10"):
        doc = {"format_version": version, "terraform_version": "1.5.7",
               "planned_values": {"root_module": {"resources": [BUCKET]}}}
        loaded = _plan(tmp_path, json.dumps(doc))
        assert [r.id for r in loaded.resources] == ["aws_s3_bucket.b"], version
        assert loaded.issues == []


def test_pretty_printed_future_plan_names_the_format_version_line(tmp_path):
    text = '{\n  "terraform_version": "2.0.0",\n  "format_version": "2.0",\n  "planned_values": {}\n}\n'
    assert _plan(tmp_path, text).issues == [InputIssue(
        "plan.json", 'Terraform plan format_version "2.0" is not supported (plan JSON formats 0.x and 1.x are '
        "read); refused", 3)]


@pytest.mark.parametrize("name", ["plan.json", "plan.tfplan"])
def test_truncated_plan_is_an_input_error_with_its_line(tmp_path, name):
    loaded = _plan(tmp_path, TRUNCATED, name)
    assert loaded.resources == []
    assert loaded.issues == [InputIssue(name, "invalid JSON: Expecting property name enclosed in double quotes", 2)]


def test_scan_reports_broken_plans_and_goes_on(tmp_path):
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "future.json").write_text(FUTURE)
    (tmp_path / "plans" / "cut.json").write_text(TRUNCATED)
    (tmp_path / "plans" / "ok.json").write_text(json.dumps({
        "format_version": "1.2", "terraform_version": "1.5.7",
        "planned_values": {"root_module": {"resources": [BUCKET]}}}))
    report = run(tmp_path)
    assert [(i.path, i.line, i.message) for i in report.issues] == [
        ("plans/cut.json", 2, "invalid JSON: Expecting property name enclosed in double quotes"),
        ("plans/future.json", 1, 'Terraform plan format_version "2.0" is not supported (plan JSON formats 0.x '
                                 "and 1.x are read); refused"),
    ]
    assert sorted({r.resource.id for r in report.results}) == ["aws_s3_bucket.b"]


# Each of these once raised TypeError/AttributeError out of the loader (found by tests/fuzz).
@pytest.mark.parametrize("section, value", [
    ("planned_values", True), ("planned_values", []), ("resource_changes", True), ("resource_changes", {"a": 1}),
    ("configuration", [1]), ("configuration", {"root_module": {"resources": 5, "module_calls": []}}),
    ("configuration", {"provider_config": {"aws": {"expressions": {"region": {"references": [1]}}}}}),
    ("configuration", {"provider_config": True}), ("variables", [])])
def test_sections_of_the_wrong_type_give_an_empty_plan_not_a_crash(tmp_path, section, value):
    doc = {"format_version": "1.2", "terraform_version": "1.5.7", section: value}
    loaded = _plan(tmp_path, json.dumps(doc))
    assert (loaded.resources, loaded.issues) == ([], [])
    assert loaded.skipped == [Skipped("plan.json", "Terraform plan with no resources")]


def test_resources_with_wrongly_typed_fields_still_load(tmp_path):
    doc = {"format_version": "1.2", "terraform_version": "1.5.7",
           "planned_values": {"root_module": {"resources": [{**BUCKET, "name": ["b"]}, 7],
                                              "child_modules": {"not": "a list"}}},
           "resource_changes": [{"address": ["x"]}, {"address": "aws_s3_bucket.b", "change": [1]}],
           "configuration": {"root_module": {"resources": [{"type": ["t"], "name": {"n": 1}}]}}}
    loaded = _plan(tmp_path, json.dumps(doc))
    assert [(r.id, r.name, r.body["actions"]) for r in loaded.resources] == [("aws_s3_bucket.b", "", [])]
    assert loaded.issues == []


def test_plan_of_50000_resources_loads_in_bounded_time(tmp_path):
    # `terraform show -json` writes one line; generated the same way (about 20 MB).
    count = 50_000
    resources = [{**BUCKET, "address": f"aws_s3_bucket.b{i}", "name": f"b{i}",
                  "values": {"bucket": f"b{i}", "tags": {"Environment": "prod"}}} for i in range(count)]
    changes = [{"address": f"aws_s3_bucket.b{i}", "mode": "managed", "type": "aws_s3_bucket", "name": f"b{i}",
                "change": {"actions": ["create"], "after_unknown": {"arn": True}}} for i in range(count)]
    text = json.dumps({"format_version": "1.2", "terraform_version": "1.5.7",
                       "planned_values": {"root_module": {"resources": resources}},
                       "resource_changes": changes})
    started = time.monotonic()
    loaded = _plan(tmp_path, text)
    elapsed = time.monotonic() - started
    assert (len(loaded.resources), loaded.issues, loaded.skipped) == (count, [], [])
    last = loaded.resources[-1]
    assert (last.id, last.source.file, last.source.start_line, last.environment) == (
        "aws_s3_bucket.b49999", "plan.json", 1, "production")
    assert loaded.locate(last, ("values", "bucket")) == (1, 1)
    # About 5 s on one core; the bound catches a return of the per-resource YAML parse (minutes).
    assert elapsed < 60, f"{count} resources took {elapsed:.1f}s"


def test_deeply_nested_tf_beside_a_plan_is_not_a_crash(tmp_path):
    # The .tf block scanner recurses per nested block: it once raised RecursionError out of
    # the plan loader while looking for declarations; now the file is just not used.
    (tmp_path / "deep.tf").write_text('resource "aws_s3_bucket" "b" {\n' + "a {\n" * 5000 + "}\n" * 5001)
    loaded = _plan(tmp_path, json.dumps({"format_version": "1.2", "terraform_version": "1.5.7",
                                         "planned_values": {"root_module": {"resources": [BUCKET]}}}))
    assert [(r.id, r.source.file, r.source.start_line) for r in loaded.resources] == [
        ("aws_s3_bucket.b", "plan.json", 1)]
    assert loaded.issues == []


def test_deeply_nested_tf_is_an_input_error(tmp_path):
    from compliance.loaders import terraform_hcl

    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n x = ' + "{ a = " * 600 + "1"
                                      + " }" * 600 + "\n}\n")
    loaded = terraform_hcl.load(Target(tmp_path, ".", "terraform-hcl"), LoadContext())
    assert (loaded.resources, loaded.issues) == ([], [InputIssue(
        "main.tf", "HCL nested too deeply for the parser (hundreds of levels); refused", None)])
