"""Checkov as a rule source (`--engine checkov`): records -> our Results, controls, de-duplication."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.controls import controls_for
from compliance.engines import checkov as checkov_engine
from compliance.engines.checkov_map import builtin_map, load_map
from compliance.errors import InputError
from compliance.scan import ScanOptions, load_rules, scan


def checkov_python() -> str | None:
    """The interpreter Checkov runs under in these tests.

    $COMPLIANCE_CHECKOV_PYTHON, else the checkout's .venv-checkov (scripts/setup.sh --with-checkov),
    else this Python when it can import checkov.
    """
    named = os.environ.get("COMPLIANCE_CHECKOV_PYTHON")
    if named:
        return named
    beside = Path(__file__).resolve().parent.parent / ".venv-checkov" / "bin" / "python"
    if beside.is_file():
        return str(beside)
    return sys.executable if importlib.util.find_spec("checkov") is not None else None


@functools.lru_cache(maxsize=1)
def checkov_frameworks() -> frozenset[str]:
    """Which of Checkov's runners import under checkov_python() (one probe per test session)."""
    python = checkov_python()
    if not python:
        return frozenset()
    probe = ("import importlib, json\nout = {}\nfor name in ('kubernetes', 'terraform'):\n"
             "    try:\n        importlib.import_module(f'checkov.{name}.runner')\n        out[name] = True\n"
             "    except Exception:\n        out[name] = False\nprint(json.dumps(out))")
    try:
        done = subprocess.run([python, "-I", "-c", probe], capture_output=True, text=True, timeout=120)
        found = json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(name for name, ok in found.items() if ok)


def checkov_options(**extra) -> dict:
    """ScanOptions.loader_options naming the Checkov interpreter, as settings.scan_options does."""
    return {"checkov": {"python": checkov_python(), **extra}}


needs_checkov = pytest.mark.skipif(
    "kubernetes" not in checkov_frameworks(),
    reason="no Python that can import checkov: set COMPLIANCE_CHECKOV_PYTHON (see README, More engines)")

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
    where = subprocess.run([checkov_python(), "-I", "-c", "import checkov; print(checkov.__file__)"],
                           capture_output=True, text=True, check=True, timeout=120)
    package = Path(where.stdout.strip()).parent
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
    monkeypatch.delenv("COMPLIANCE_CHECKOV_PYTHON", raising=False)
    (tmp_path / "pod.yaml").write_text(POD)
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--engine", "rego,checkov"],
                                terminal_width=400)
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == (
        f"error: --engine checkov needs Checkov, which this Python ({sys.executable}) cannot import: python -m venv "
        "~/.venvs/checkov && ~/.venvs/checkov/bin/pip install checkov, then pass --checkov-python "
        "~/.venvs/checkov/bin/python (or set COMPLIANCE_CHECKOV_PYTHON, or checkov_python: in compliance.yaml)")


def test_unknown_engine_exits_2(tmp_path):
    (tmp_path / "pod.yaml").write_text(POD)
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pod.yaml"), "--engine", "rego,kics"])
    assert result.exit_code == 2
    assert "error: unknown engine 'kics': expected a comma-separated list of rego, python, checkov" in result.output


def _checkov_scan(tmp_path, **kw):
    (tmp_path / "pod.yaml").write_text(POD)
    return scan(ScanOptions(paths=[str(tmp_path / "pod.yaml")], root=tmp_path, jobs=1,
                            engines=("rego", "python", "checkov"), loader_options=checkov_options(), **kw))


@pytest.fixture(scope="module")
def pod_report(tmp_path_factory):
    """One Checkov run shared by the tests that only read its report."""
    return _checkov_scan(tmp_path_factory.mktemp("pod"))


def _row(result):
    return (result.rule.id, result.resource.id, result.resource.source.file, result.line, result.end_line,
            result.status.value, result.rule.severity.value, result.message)


@needs_checkov
def test_checkov_findings_become_results(pod_report):
    report = pod_report
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
def test_duplicates_are_folded_into_ours(pod_report):
    report = pod_report
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
    report = scan(ScanOptions(paths=[str(tmp_path / "pod.yaml")], root=tmp_path, jobs=1, engines=("checkov",),
                              loader_options=checkov_options()))
    assert {r.rule.engine for r in report.results} == {"checkov"}
    from compliance.settings import scan_options

    options, _ = scan_options([str(tmp_path / "pod.yaml")], config=tmp_path / "compliance.yaml", root=tmp_path,
                              environment=None, policy=[], builtin=True, jobs=1, max_file_size_mib=None,
                              checkov_python=checkov_python())
    assert list(options.engines) == ["checkov"]
    assert options.loader_options["checkov"] == {"python": checkov_python(), "timeout": None}


def test_engines_config_rejects_unknown(tmp_path):
    from compliance.settings import scan_options

    (tmp_path / "compliance.yaml").write_text("engines: [rego, trivy]\n")
    with pytest.raises(InputError, match="unknown engine 'trivy'"):
        scan_options([str(tmp_path)], config=tmp_path / "compliance.yaml", root=tmp_path, environment=None,
                     policy=[], builtin=True, jobs=1, max_file_size_mib=None)


def test_install_hint_constant():
    assert checkov_engine.INSTALL_HINT == (
        "python -m venv ~/.venvs/checkov && ~/.venvs/checkov/bin/pip install checkov, then pass "
        "--checkov-python ~/.venvs/checkov/bin/python (or set COMPLIANCE_CHECKOV_PYTHON, or checkov_python: in "
        "compliance.yaml)")


@needs_checkov
def test_rendered_helm_resources_are_checked_at_their_template_lines(monkeypatch):
    from render_tools import FIXTURES, require, tools_path

    require("helm")
    monkeypatch.setenv("PATH", tools_path())
    root = FIXTURES / "helm"
    report = scan(ScanOptions(paths=[str(root / "web")], root=root, jobs=1, engines=("rego", "python", "checkov"),
                              loader_options=checkov_options()))
    failed = sorted({(r.rule.id, r.resource.source.file, r.line, r.resource.id, r.resource.environment or "")
                     for r in report.results if r.rule.id.startswith("CKV") and r.status.value == "fail"})
    # Each environment's rendering is checked on its own, and every finding is at the template's line,
    # never in the scratch files Checkov was given.
    assert failed == sorted((check, "web/templates/deployment.yaml", 2, "Deployment/web-web", env)
                            for check in ("CKV_K8S_15", "CKV_K8S_21", "CKV_K8S_29", "CKV_K8S_40", "CKV_K8S_9")
                            for env in ("", "production", "staging"))
    assert {r.resource.source.file for r in report.results if r.rule.id.startswith("CKV")} == {
        "web/templates/deployment.yaml"}
    assert not [w for w in report.warnings if w.startswith("checkov:")]
