"""The Terraform rule library: folder layout and each rule's fixtures scanned end to end.

Each rule folder's fixtures (`fail-*.tf`, `pass-*.tf`) are scanned through the whole
pipeline (discovery, HCL loader, inventory rules, line lookup); the rule's failures
must equal `fixtures/expected.json` exactly, and no `pass-*` fixture may fail it.
Regenerate expected.json with COMPLIANCE_UPDATE_EXPECTED=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from compliance.engines.rego_metadata import parse_module, rules_of
from compliance.model import Status
from compliance.scan import ScanOptions, scan

RULES = Path(__file__).resolve().parents[1] / "rego" / "terraform"
FOLDERS = sorted(p for p in RULES.iterdir() if p.is_dir()) if RULES.is_dir() else []


def _rule(folder: Path):
    pkg = folder.name.replace("-", "_")
    module = parse_module(f"{folder.name}/{pkg}.rego", (folder / f"{pkg}.rego").read_text(encoding="utf-8"))
    (rule,) = rules_of(module)
    return module, rule


def test_catalog_has_rules():
    assert len(FOLDERS) >= 20


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_rule_folder_layout(folder: Path):
    pkg = folder.name.replace("-", "_")
    module, rule = _rule(folder)
    assert module.package == f"compliance.rules.terraform.{pkg}"
    assert rule.name == folder.name
    assert re.fullmatch(r"AWS-\d{3}", rule.id)
    assert rule.applies_to.family == "terraform" and rule.applies_to.types
    assert rule.title and rule.description and rule.remediation and rule.references
    assert (folder / f"{pkg}_test.rego").is_file()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {rule.id} {folder.name}\n")
    for heading in ("## What it does", "## Why it matters", "## Example", "## Use instead", "## Parameters",
                    "## References"):
        assert heading in readme
    names = [p.name for p in (folder / "fixtures").iterdir()]
    assert any(n.startswith("fail-") for n in names) and any(n.startswith("pass-") for n in names)
    tests = (folder / f"{pkg}_test.rego").read_text(encoding="utf-8")
    assert re.search(r"^test_fail_", tests, re.M) and re.search(r"^test_success_", tests, re.M)


def test_rule_ids_unique():
    ids = [_rule(folder)[1].id for folder in FOLDERS]
    assert len(ids) == len(set(ids))


def _failures(folder: Path) -> tuple[str, list[dict]]:
    _module, rule = _rule(folder)
    fixtures = folder / "fixtures"
    report = scan(ScanOptions(paths=[str(fixtures)], root=fixtures, jobs=1))
    assert report.issues == []
    got = [
        {"rule": r.rule.id, "resource": r.resource.id, "file": r.resource.source.file, "line": r.line,
         "message": r.message}
        for r in report.results if r.rule.id == rule.id and r.status is Status.failed
    ]
    errors = [r.message for r in report.results if r.rule.id == rule.id and r.status is Status.error]
    assert errors == []
    return rule.id, got


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_rule_fixtures_match_expected(folder: Path):
    rule_id, got = _failures(folder)
    expected_file = folder / "fixtures" / "expected.json"
    if os.environ.get("COMPLIANCE_UPDATE_EXPECTED"):
        expected_file.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected_file.read_text(encoding="utf-8"))
    assert got, f"{rule_id}: the fail fixtures must fail"
    assert all(item["file"].startswith("fail-") for item in got), "a pass-* fixture fails the rule"
