"""Scan a rule folder's fixtures through the whole pipeline; shared by the test and the updater."""

from __future__ import annotations

import json
from pathlib import Path

from compliance.model import Status
from compliance.scan import ScanOptions, load_rules, scan

REPO = Path(__file__).resolve().parents[1]
REGO = REPO / "rego"


def rule_folders() -> list[Path]:
    """Every rule folder (one with a fixtures/ directory), sorted."""
    return sorted(p.parent for p in REGO.glob("**/fixtures") if p.is_dir())


def rule_id_of(folder: Path) -> str:
    policies, _ = load_rules(ScanOptions(paths=[]))
    for rule in policies.rules:
        if Path(rule.source).parent == folder.relative_to(REPO):
            return rule.id
    raise LookupError(f"no rule is defined in {folder}")


def observed(folder: Path) -> dict:
    """What the pipeline reports for this folder's rule on its fixtures."""
    rule_id = rule_id_of(folder)
    fixtures = folder / "fixtures"
    report = scan(ScanOptions(paths=[str(fixtures)], root=fixtures, jobs=1))
    assert not report.issues, report.issues
    findings = [
        {"file": r.resource.source.file, "line": r.line, "resource": r.resource.id, "message": r.message,
         "path": list(r.path)}
        for r in report.results if r.rule.id == rule_id and r.status is Status.failed
    ]
    errors = [r.message for r in report.results if r.rule.id == rule_id and r.status is Status.error]
    return {"rule": rule_id, "findings": findings, "errors": errors}


def expected_path(folder: Path) -> Path:
    return folder / "fixtures" / "expected.json"


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
