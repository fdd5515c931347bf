"""The Terraform rule library: folder layout, and each rule's `.tf` fixtures end to end.

Each rule folder's fixtures (`fail-*.tf`, `pass-*.tf`) are scanned through the whole
pipeline (discovery, HCL loader, inventory rules, line lookup): every `fail-*` file must
fail the rule and no `pass-*` file may. fixtures/expected.json (exact findings) is
written by scripts/update_rule_fixtures.py and checked by tests/test_rule_fixtures.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rule_fixtures import expected_path, observed

from compliance.engines.rego_metadata import parse_module, rules_of

RULES = Path(__file__).resolve().parents[1] / "rego" / "terraform" / "aws"
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


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_rule_tf_fixtures_fail_and_pass(folder: Path):
    # tests/test_rule_fixtures.py compares the scan with fixtures/expected.json; it knows
    # only YAML/JSON fixture names, so the .tf side of the pass/fail contract is checked here.
    result = observed(folder)
    assert result["errors"] == []
    failing = {f["file"] for f in result["findings"]}
    names = sorted(p.name for p in (folder / "fixtures").glob("*.tf"))
    assert [n for n in names if n.startswith("fail-") and n not in failing] == []
    assert [n for n in names if n.startswith("pass-") and n in failing] == []
    assert json.loads(expected_path(folder).read_text(encoding="utf-8")) == result
