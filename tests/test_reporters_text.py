"""JUnit XML and the Markdown summary on a small fixture; the GitHub Action and pre-commit hook files."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from test_sarif import CONTROLS, FIXTURES, WAIVER, run_scan
from typer.testing import CliRunner

from compliance.cli import app
from compliance.model import Status
from compliance.reporters import junit, markdown

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    shutil.copy(FIXTURES / "manifests" / "deploy.yaml", tmp_path / "k8s" / "deploy.yaml")
    return tmp_path


def junit_text(root: Path, **kwargs) -> str:
    buf = io.StringIO()
    junit.render(run_scan(root, **kwargs), buf)
    return buf.getvalue()


def test_junit_exact_document(repo: Path):
    privileged = "runs privileged (securityContext.privileged: true)"
    field = "spec.template.spec.containers[{}].securityContext.privileged"
    web = 'testcase name="Deployment/shop/web (k8s/deploy.yaml)"'
    ok = 'testcase name="Pod/shop/ok (k8s/deploy.yaml)"'
    assert junit_text(repo).splitlines() == [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="compliance" tests="4" failures="2" errors="0" skipped="0">',
        '  <testsuite name="TST-001 privileged" tests="2" failures="1" errors="0" skipped="0">',
        "    <properties>",
        '      <property name="severity" value="high" />',
        '      <property name="title" value="Privileged container" />',
        "    </properties>",
        f'    <{web} classname="TST-001" file="k8s/deploy.yaml" line="21">',
        f'      <failure message="2 violations: container &quot;app&quot; {privileged}; ..." type="high">'
        f'k8s/deploy.yaml:21 {field.format(0)}: container "app" {privileged}',
        f'k8s/deploy.yaml:25 {field.format(1)}: container "sidecar" {privileged}</failure>',
        "    </testcase>",
        f'    <{ok} classname="TST-001" file="k8s/deploy.yaml" line="27" />',
        "  </testsuite>",
        '  <testsuite name="TST-002 team-label" tests="2" failures="1" errors="0" skipped="0">',
        "    <properties>",
        '      <property name="severity" value="low" />',
        '      <property name="title" value="Team label missing" />',
        "    </properties>",
        f'    <{web} classname="TST-002" file="k8s/deploy.yaml" line="6">',
        '      <failure message="Deployment &quot;web&quot; has no team label" type="low">'
        'k8s/deploy.yaml:6 metadata.labels.team: Deployment "web" has no team label</failure>',
        "    </testcase>",
        f'    <{ok} classname="TST-002" file="k8s/deploy.yaml" line="27" />',
        "  </testsuite>",
        "</testsuites>",
    ]


def test_junit_counts_waived_as_skipped_and_input_errors_as_errors(repo: Path):
    (repo / "k8s" / "broken.yaml").write_text("kind: Pod\nmetadata: [unclosed\n")
    root = ET.fromstring(junit_text(repo, waivers=[WAIVER]).encode("utf-8"))
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "5", "failures": "1", "errors": "1", "skipped": "1"}
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["TST-001 privileged", "TST-002 team-label", "input files"]
    skipped = suites["TST-002 team-label"].find("testcase/skipped")
    assert skipped is not None and skipped.get("message") == "waived: labels come from the platform team"
    error = suites["input files"].find("testcase/error")
    assert error is not None and error.get("type") == "InputError"
    assert error.get("message").startswith("k8s/broken.yaml:")
    # Totals are the sum over suites, and each suite's counts match its testcases.
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)


def test_junit_rule_error_is_an_error_element_and_control_characters_are_replaced(repo: Path):
    report = run_scan(repo)
    passing = next(r for r in report.results if r.status is Status.passed and r.rule.id == "TST-002")
    passing.status, passing.message = Status.error, "bad value \x00\x1b[31m"
    buf = io.StringIO()
    junit.render(report, buf)
    root = ET.fromstring(buf.getvalue().encode("utf-8"))
    error = root.find("testsuite[@name='TST-002 team-label']/testcase[@name='Pod/shop/ok (k8s/deploy.yaml)']/error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == ("RuleError", "bad value \ufffd\ufffd[31m")
    assert root.get("errors") == "1"


def markdown_text(root: Path, **kwargs) -> str:
    buf = io.StringIO()
    waivers = kwargs.pop("waivers", None)
    markdown.render(run_scan(root, waivers=waivers), buf, root=root, repo_root=root, **kwargs)
    return buf.getvalue()


def test_markdown_exact_with_links_and_controls(repo: Path):
    text = markdown_text(repo, link_base="https://github.com/acme/shop/blob/0123abc", controls=CONTROLS)
    blob = "https://github.com/acme/shop/blob/0123abc/k8s/deploy.yaml"
    assert text == f"""\
## Compliance scan

**3 failed** (2 high, 1 low) · 2 passed · 0 waived · 0 rule errors · 2 resources in 1 file

| Severity | Rule | Resource | Location | Finding |
| --- | --- | --- | --- | --- |
| high | TST-001 | `Deployment/shop/web` | [k8s/deploy.yaml:21]({blob}#L21) | \
container "app" runs privileged (securityContext.privileged: true) |
| high | TST-001 | `Deployment/shop/web` | [k8s/deploy.yaml:25]({blob}#L25) | \
container "sidecar" runs privileged (securityContext.privileged: true) |
| low | TST-002 | `Deployment/shop/web` | [k8s/deploy.yaml:6]({blob}#L6-L7) | Deployment "web" has no team label |

**Controls with failures**: `pci-dss-4.0.1:2.2.1` (2), `soc2-tsc-2017:CC6.1` (2)
"""


def test_markdown_without_links_limited_to_top_findings(repo: Path):
    text = markdown_text(repo, controls={}, top=1, waivers=[WAIVER])
    assert text == """\
## Compliance scan

**2 failed** (2 high) · 2 passed · 1 waived · 0 rule errors · 2 resources in 1 file

| Severity | Rule | Resource | Location | Finding |
| --- | --- | --- | --- | --- |
| high | TST-001 | `Deployment/shop/web` | `k8s/deploy.yaml:21` | \
container "app" runs privileged (securityContext.privileged: true) |

…and 1 more; the SARIF and JSON reports list every finding.
"""


def test_markdown_escapes_table_breaking_text(repo: Path):
    report = run_scan(repo)
    failed = next(r for r in report.results if r.status is Status.failed and r.line == 21)
    failed.message = "value a|b\nsecond line"
    buf = io.StringIO()
    markdown.render(report, buf, root=repo, repo_root=repo, controls={}, top=1)
    assert buf.getvalue().splitlines()[6] == (
        "| high | TST-001 | `Deployment/shop/web` | `k8s/deploy.yaml:21` | value a\\|b second line |")


def test_markdown_link_base_from_github_actions_environment():
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "0123abc"}
    assert markdown.github_link_base(env) == "https://github.com/acme/shop/blob/0123abc"
    assert markdown.github_link_base({"GITHUB_REPOSITORY": "acme/shop"}) is None


def test_cli_markdown_and_junit_to_files(repo: Path, monkeypatch):
    monkeypatch.chdir(repo)
    for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["scan", "k8s", "--no-builtin", "--policy", str(FIXTURES / "policy"),
                                      "--format", "junit=report.xml", "--format", "markdown", "-o", "comment.md"])
    assert result.exit_code == 1, result.output
    assert ET.parse(repo / "report.xml").getroot().get("failures") == "2"
    assert (repo / "comment.md").read_text().splitlines()[2] == (
        "**3 failed** (2 high, 1 low) · 2 passed · 0 waived · 0 rule errors · 2 resources in 1 file")


# ------------------------------------------------------------------ CI integration files


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def test_action_is_a_composite_that_uploads_sarif():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    assert list(spec["inputs"]) == ["paths", "fail-on", "soft-fail", "frameworks", "policy", "category",
                                    "sarif-file", "upload", "args", "python-version"]
    uses = [s.get("uses") for s in spec["runs"]["steps"]]
    assert uses == ["actions/setup-python@v5", None, None, "github/codeql-action/upload-sarif@v4", None]
    upload = spec["runs"]["steps"][3]
    assert upload["with"] == {"sarif_file": "${{ steps.scan.outputs.sarif-file }}"}
    # Inputs reach shell scripts only through env, never pasted in (script injection).
    for step in spec["runs"]["steps"]:
        assert "${{ inputs." not in step.get("run", "")


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash")
def test_action_scan_step_runs_the_scanner(repo: Path, tmp_path_factory):
    # Run the action's own Scan step script, with the installed compliance standing in
    # for the virtualenv the Install step creates.
    runner_temp = tmp_path_factory.mktemp("runner")
    (runner_temp / "compliance-venv" / "bin").mkdir(parents=True)
    (runner_temp / "compliance-venv" / "bin" / "compliance").symlink_to(Path(sys.executable).parent / "compliance")
    step = next(s for s in action()["runs"]["steps"] if s.get("id") == "scan")
    outputs = runner_temp / "github_output"
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(outputs),
           "IN_PATHS": "k8s", "IN_FAIL_ON": "high", "IN_FRAMEWORKS": "", "IN_CATEGORY": "shop/k8s",
           "IN_SARIF": "out.sarif", "IN_POLICY": str(FIXTURES / "policy"), "IN_ARGS": "--no-builtin"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert outputs.read_text().splitlines() == ["sarif-file=out.sarif", "exit-code=1"]
    document = json.loads((repo / "out.sarif").read_text())
    assert document["runs"][0]["automationDetails"] == {"id": "shop/k8s/"}
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["TST-002", "TST-001", "TST-001"]


def test_pre_commit_hook_definition():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks == [{
        "id": "compliance",
        "name": "compliance scan",
        "description": "Check Kubernetes manifests against compliance rules (PCI-DSS, SOC 2, GDPR, ...)",
        "entry": "compliance scan",
        "language": "python",
        "types_or": ["yaml", "json"],
        "require_serial": True,
        "minimum_pre_commit_version": "3.0.0",
    }]
