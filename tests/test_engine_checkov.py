"""Checkov as a rule source (`--engine checkov`): records -> our Results, controls, de-duplication."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.controls import controls_for
from compliance.engines import checkov as checkov_engine
from compliance.engines.checkov_map import builtin_map, load_map
from compliance.errors import InputError
from compliance.scan import ScanOptions, load_rules, scan

HAVE_CHECKOV = importlib.util.find_spec("checkov") is not None
needs_checkov = pytest.mark.skipif(not HAVE_CHECKOV,
                                   reason="checkov is not installed: pip install 'compliance[checkov]'")

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p1
  namespace: shop
spec:
  containers:
    - name: c
      image: nginx:latest
      securityContext:
        privileged: true
"""


def test_every_mapped_rule_exists():
    policies, python_rules = load_rules(ScanOptions(paths=[]))
    ours = {r.id for r in [*policies.rules, *python_rules]}
    missing = sorted({f"{m.check}->{rule}" for m in builtin_map().values() for rule in (*m.same_as, *m.like)
                      if rule not in ours})
    assert missing == []


@needs_checkov
def test_every_mapped_check_exists_in_checkov():
    # Read the ids from checkov's check sources: its Terraform registries cannot be imported
    # next to python-hcl2 >= 8 (see compliance/engines/checkov.py), the files can always be read.
    package = Path(importlib.util.find_spec("checkov").origin).parent
    known: set[str] = set()
    for folder in ("kubernetes/checks", "terraform/checks"):
        for file in (package / folder).rglob("*"):
            if file.suffix in (".py", ".json", ".yaml"):
                known |= set(re.findall(r"\bCKV2?_[A-Z0-9]+_\d+\b", file.read_text(errors="replace")))
    assert len(known) > 500
    assert sorted(set(builtin_map()) - known) == []


def test_checks_inherit_their_rules_controls():
    assert controls_for("CKV_K8S_16") == controls_for("K8S-001")
    assert controls_for("CKV_AWS_24") == controls_for("AWS-030")
    # `like`: the same requirements as the concept's rule (as supporting evidence).
    assert controls_for("CKV_K8S_28") == controls_for("K8S-008")
    assert "pci-dss-4.0.1:2.2.1" in controls_for("CKV_K8S_16")
    assert controls_for("CKV_K8S_99999") == []


def test_bad_map_names_file_and_line(tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("schema_version: 1\nchecks:\n  CKV_K8S_16: {same_as: [K8S-001]}\n  CKV_K8S_2: {severity: urgent, "
                   "same_as: [K8S-001]}\n")
    with pytest.raises(InputError, match=rf"^{bad.as_posix()}:4: CKV_K8S_2: invalid severity 'urgent'"):
        load_map(bad)
    bad.write_text("schema_version: 1\nchecks:\n  K8S-001: {same_as: [K8S-001]}\n")
    with pytest.raises(InputError, match=rf"^{bad.as_posix()}:3: 'K8S-001' is not a Checkov check id"):
        load_map(bad)


def test_missing_checkov_exits_2_with_install_hint(monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "checkov" else real(name, *a))
    (tmp_path / "pod.yaml").write_text(POD)
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--engine", "rego,checkov"])
    assert result.exit_code == 2
    assert ("error: --engine checkov needs Checkov, which is not installed: pip install 'compliance[checkov]' "
            "(or: pip install checkov)") in result.output


def test_unknown_engine_exits_2(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--engine", "rego,kics"])
    assert result.exit_code == 2
    assert "error: unknown engine 'kics': expected a comma-separated list of rego, python, checkov" in result.output


def _checkov_scan(tmp_path, **kw):
    (tmp_path / "pod.yaml").write_text(POD)
    return scan(ScanOptions(paths=[str(tmp_path / "pod.yaml")], root=tmp_path, jobs=1,
                            engines=("rego", "python", "checkov"), **kw))


def _row(result):
    return (result.rule.id, result.resource.id, result.resource.source.file, result.line, result.end_line,
            result.status.value, result.rule.severity.value, result.message)


@needs_checkov
def test_checkov_findings_become_results(tmp_path):
    report = _checkov_scan(tmp_path)
    by_rule = {r.rule.id: r for r in report.results if r.rule.engine == "checkov" and r.status.value == "fail"}
    assert _row(by_rule["CKV_K8S_28"]) == ("CKV_K8S_28", "Pod/shop/p1", "pod.yaml", 1, 11, "fail", "medium",
                                           "Minimize the admission of containers with the NET_RAW capability")
    assert by_rule["CKV_K8S_28"].details == {"engine": "checkov",
                                             "check": "Minimize the admission of containers with the NET_RAW "
                                                      "capability"}
    # Severity from our table: `like` K8S-005 with an explicit low.
    assert _row(by_rule["CKV_K8S_40"])[6] == "low"
    # Checkov's result sits on our Resource object, so waivers/controls/reporters see one resource.
    assert {id(r.resource) for r in report.results} == {id(report.resources[0])}
    passed = {r.rule.id for r in report.results if r.rule.engine == "checkov" and r.status.value == "pass"}
    assert "CKV_K8S_17" in passed and "CKV_K8S_17" not in by_rule


@needs_checkov
def test_duplicates_are_folded_into_ours(tmp_path):
    report = _checkov_scan(tmp_path)
    failed = {r.rule.id: r for r in report.results if r.status.value == "fail"}
    # Same problem, same resource: ours stays, Checkov's check is recorded as corroborating.
    for ours, ckv in [("K8S-001", "CKV_K8S_16"), ("K8S-011", "CKV_K8S_14"), ("K8S-009", "CKV_K8S_13"),
                      ("K8S-028", "CKV_K8S_38"), ("K8S-041", "CKV2_K8S_6")]:
        assert failed[ours].details["corroborated_by"] == [ckv], ours
        assert ckv not in failed
    # Different concept (like): both shown.
    assert "K8S-008" in failed and "CKV_K8S_28" in failed
    assert "corroborated_by" not in (failed["K8S-008"].details or {})


@needs_checkov
def test_show_duplicates_keeps_both(tmp_path):
    report = _checkov_scan(tmp_path, show_duplicates=True)
    failed = {r.rule.id: r for r in report.results if r.status.value == "fail"}
    assert failed["K8S-001"].details["corroborated_by"] == ["CKV_K8S_16"]
    assert _row(failed["CKV_K8S_16"]) == ("CKV_K8S_16", "Pod/shop/p1", "pod.yaml", 1, 11, "fail", "high",
                                          "Container should not be privileged")
    assert failed["CKV_K8S_16"].details["duplicate_of"] == ["K8S-001"]


@needs_checkov
def test_cli_json_shows_ckv_with_controls(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["scan", "pod.yaml", "--engine", "rego,python,checkov", "-f", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    row = next(r for r in data["results"] if r["rule_id"] == "CKV_K8S_28")
    assert (row["status"], row["file"], row["line"], row["end_line"], row["severity"]) == (
        "fail", "pod.yaml", 1, 11, "medium")
    assert row["controls"] == controls_for("K8S-008")
    assert not any(r["rule_id"] == "CKV_K8S_16" and r["status"] == "fail" for r in data["results"])


@needs_checkov
def test_engine_checkov_alone_and_from_config(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "compliance.yaml").write_text("engines: [checkov]\n")
    report = scan(ScanOptions(paths=[str(tmp_path / "pod.yaml")], root=tmp_path, jobs=1, engines=("checkov",)))
    assert {r.rule.engine for r in report.results} == {"checkov"}
    from compliance.settings import scan_options

    options, _ = scan_options([str(tmp_path / "pod.yaml")], config=tmp_path / "compliance.yaml", root=tmp_path,
                              environment=None, policy=[], builtin=True, jobs=1, max_file_size_mib=None)
    assert list(options.engines) == ["checkov"]


def test_engines_config_rejects_unknown(tmp_path):
    from compliance.settings import scan_options

    (tmp_path / "compliance.yaml").write_text("engines: [rego, trivy]\n")
    with pytest.raises(InputError, match="unknown engine 'trivy'"):
        scan_options([str(tmp_path)], config=tmp_path / "compliance.yaml", root=tmp_path, environment=None,
                     policy=[], builtin=True, jobs=1, max_file_size_mib=None)


def test_install_hint_constant():
    assert checkov_engine.INSTALL_HINT == "pip install 'compliance[checkov]' (or: pip install checkov)"
