"""Control catalogs: integrity of the built-in frameworks, loader errors, mapping, coverage, CLI."""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
from pathlib import Path

import pytest
from helpers import HARDENED_POD, write
from typer.testing import CliRunner

from compliance.cli import app
from compliance.controls import (
    CatalogError,
    Catalogs,
    builtin_catalogs,
    controls_for,
    load_catalog,
    load_catalogs,
    natural_key,
    oscal_id,
)
from compliance.coverage import CoverageStatus, coverage, coverage_dict, write_csv
from compliance.errors import InputError
from compliance.model import AppliesTo, Resource, Result, Rule, Severity, Source, Status
from compliance.resources import data_dir
from compliance.scan import ScanOptions, load_rules, scan

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()

BUILTIN = ("gdpr", "hipaa-security-rule", "nist-800-53-r5", "pci-dss-4.0.1", "soc2-tsc-2017")
# Ids exactly as each framework writes them; kept here so a catalog cannot loosen its own pattern.
ID_FORMS = {
    "pci-dss-4.0.1": r"(?:[1-9]|1[0-2]|A[1-3])(?:\.[0-9]{1,2}){1,3}",
    "soc2-tsc-2017": r"(?:CC[1-9]\.[0-9]|A1\.[1-3]|C1\.[12]|PI1\.[1-5]|P[1-8]\.[0-9])",
    "gdpr": r"Art\.[1-9][0-9]?(?:\([0-9]+\))?(?:\([a-z]\))?",
    "hipaa-security-rule": r"164\.3(?:0[2-8]|1[0-8])(?:\((?:[a-z]|[0-9]+|[ivx]+|[A-Z])\))+",
    "nist-800-53-r5": r"[A-Z]{2}-[0-9]{1,2}(?:\([0-9]{1,2}\))?",
}
# Verbatim phrases of copyrighted texts (PCI DSS v4.0.1, AICPA TSC 2017): never in our files.
COPYRIGHTED = (
    "Retain audit log history for at least 12 months",
    "immediately available for analysis",
    "Install and Maintain Network Security Controls",
    "Log and Monitor All Access to System Components and Cardholder Data",
    "Restrict Access to System Components and Cardholder Data by Business Need to Know",
    "are not hard coded in scripts, configuration/property files",
    "implements logical access security software, infrastructure, and architectures",
    "implements logical access security measures to protect against threats from sources outside",
    "restricts the transmission, movement, and removal of information",
    "authorizes, designs, develops or acquires, configures, documents, tests, approves",
)


def builtin_rule_ids() -> set[str]:
    policies, python_rules = load_rules(ScanOptions(paths=[]))
    return {r.id for r in [*policies.rules, *python_rules]}


def write_catalog(tmp_path: Path, text: str, name: str = "acme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


ACME = """
schema_version: 1
framework:
  id: acme-baseline
  name: ACME Platform Baseline
  version: "2026.1"
  aliases: [acme]
  id_pattern: '^AB-[0-9]+$'
sections:
  - {id: AB, title: Platform hardening}
requirements:
  - id: AB-1
    section: AB
    title: Workloads never share host namespaces or run privileged
    rules:
      - {rule: K8S-001, fit: direct, why: Privileged mode is forbidden by the baseline.}
      - {rule: K8S-002, fit: direct, why: Host network is forbidden.}
      - {rule: K8S-003, fit: direct, why: Host PID is forbidden.}
      - {rule: K8S-004, fit: direct, why: Host IPC is forbidden.}
  - id: AB-2
    section: AB
    title: Containers run as non-root without privilege escalation
    rules:
      - {rule: K8S-005, fit: direct, why: Non-root is required.}
      - {rule: K8S-006, fit: direct, why: No setuid escalation.}
  - id: AB-3
    section: AB
    title: Root filesystems are read-only
    rules:
      - {rule: K8S-007, fit: direct, why: Immutable containers.}
  - id: AB-4
    section: AB
    title: Production workloads survive node drains
    rules:
      - {rule: K8S-040, fit: supporting, why: A PDB keeps replicas up during drains.}
  - id: AB-5
    section: AB
    title: Checkov privileged check passes
    rules:
      - {rule: CKV_K8S_16, fit: direct, why: Checkov's own privileged-container check.}
  - id: AB-6
    section: AB
    title: Production access is reviewed every quarter
    automated: false
    evidence: signed quarterly access review
"""


# ------------------------------------------------------------------ built-in catalogs


def test_builtin_catalogs_load_five_frameworks():
    catalogs = builtin_catalogs()
    assert [f.id for f in catalogs.frameworks] == list(BUILTIN)
    assert [f.file for f in catalogs.frameworks] == [f"controls/{name}.yaml" for name in BUILTIN]
    assert sorted(p.name for p in data_dir("controls").glob("*.yaml")) == [f"{name}.yaml" for name in BUILTIN]
    assert all(f.builtin and f.requirements for f in catalogs.frameworks)


def test_builtin_requirement_ids_are_as_the_framework_writes_them_and_unique():
    for framework in builtin_catalogs().frameworks:
        ids = [r.id for r in framework.requirements]
        assert len(ids) == len(set(ids)), framework.id
        bad = [i for i in ids if not re.fullmatch(ID_FORMS[framework.id], i)]
        assert bad == [], framework.id


def test_builtin_titles_and_mappings_are_well_formed():
    for framework in builtin_catalogs().frameworks:
        for requirement in framework.requirements:
            assert 0 < len(requirement.title) < 120, requirement.ref
            assert requirement.section in {s.id for s in framework.sections}, requirement.ref
            if not requirement.automated:
                assert requirement.evidence, requirement.ref
            for mapping in requirement.rules:
                assert mapping.fit in ("direct", "supporting"), requirement.ref
                assert mapping.why and "\n" not in mapping.why, requirement.ref


def test_every_builtin_rule_maps_to_two_frameworks():
    catalogs = builtin_catalogs()
    thin = {}
    for rule_id in sorted(builtin_rule_ids()):
        frameworks = {ref.split(":", 1)[0] for ref in catalogs.controls_for(rule_id)}
        if len(frameworks) < 2:
            thin[rule_id] = sorted(frameworks)
    assert thin == {}, "map these rules in controls/*.yaml to requirements of at least two frameworks"


def test_builtin_catalogs_name_no_unknown_rule():
    assert [str(p) for p in builtin_catalogs().unknown_rules(builtin_rule_ids())] == []


def test_builtin_catalogs_hold_no_copyrighted_wording():
    for path in sorted(data_dir("controls").iterdir()):
        text = " ".join(path.read_text(encoding="utf-8").split()).lower()
        found = [phrase for phrase in COPYRIGHTED if phrase.lower() in text]
        assert found == [], path.name


def test_pci_storage_encryption_caveats_hold():
    # 3.5.1 is never directly met by storage encryption; 4.2.1 only directly by public-network TLS.
    pci = builtin_catalogs().framework("pci")
    assert pci.id == "pci-dss-4.0.1"
    assert all(m.fit == "supporting" for m in pci.requirement("3.5.1").rules)


# ------------------------------------------------------------------ lookups


def test_controls_for_is_sorted_by_framework_then_requirement():
    assert controls_for("K8S-001") == [
        "gdpr:Art.32(1)(b)",
        "hipaa-security-rule:164.312(a)(1)",
        "nist-800-53-r5:AC-6",
        "nist-800-53-r5:CM-6",
        "nist-800-53-r5:SC-39",
        "pci-dss-4.0.1:2.2.1",
        "pci-dss-4.0.1:2.2.6",
        "pci-dss-4.0.1:7.2.5",
        "soc2-tsc-2017:CC6.1",
    ]
    assert controls_for("NO-SUCH-RULE") == []


def test_framework_lookup_by_alias_and_unknown_name():
    catalogs = builtin_catalogs()
    assert catalogs.framework("SOC2").id == "soc2-tsc-2017"
    assert [f.id for f in catalogs.select(["hipaa", "pci-dss-4.0.1"])] == ["hipaa-security-rule", "pci-dss-4.0.1"]
    with pytest.raises(InputError) as info:
        catalogs.framework("iso27001")
    assert str(info.value) == ("unknown framework 'iso27001'; expected one of: gdpr, hipaa-security-rule, "
                               "nist-800-53-r5, pci-dss-4.0.1, soc2-tsc-2017")


def test_rule_ids_for_frameworks_feed_scan_framework_filter(tmp_path):
    catalogs = load_catalogs([write_catalog(tmp_path, ACME)], builtin=False)
    assert catalogs.rule_ids(["acme"]) == {"K8S-001", "K8S-002", "K8S-003", "K8S-004", "K8S-005", "K8S-006",
                                            "K8S-007", "K8S-040", "CKV_K8S_16"}


def test_natural_key_and_oscal_id():
    assert sorted(["10.2.1", "1.3.1", "1.10.1", "1.2.10", "1.2.9"], key=natural_key) == [
        "1.2.9", "1.2.10", "1.3.1", "1.10.1", "10.2.1"]
    assert oscal_id("nist-800-53-r5", "AC-6(10)") == "ac-6.10"
    assert oscal_id("nist-800-53-r5", "SC-7") == "sc-7"
    assert oscal_id("hipaa-security-rule", "164.312(a)(2)(iv)") == "hipaa-security-rule_164.312.a.2.iv"
    assert oscal_id("gdpr", "Art.32(1)(b)") == "gdpr_Art.32.1.b"
    assert oscal_id("pci-dss-4.0.1", "10.5.1") == "pci-dss-4.0.1_10.5.1"


# ------------------------------------------------------------------ loader errors


def test_custom_catalog_loads_with_its_own_rule_ids(tmp_path):
    framework = load_catalog(write_catalog(tmp_path, ACME))
    assert (framework.id, framework.name, framework.version, framework.aliases) == (
        "acme-baseline", "ACME Platform Baseline", "2026.1", ("acme",))
    assert [r.ref for r in framework.requirements] == [f"acme-baseline:AB-{n}" for n in range(1, 7)]
    assert framework.requirement("AB-6").automated is False
    assert [(m.rule, m.fit, m.line) for m in framework.requirement("AB-5").rules] == [("CKV_K8S_16", "direct", 39)]


def test_invalid_catalog_lists_every_problem_with_file_and_line(tmp_path):
    path = write_catalog(tmp_path, """
        schema_version: 1
        framework:
          id: ACME
          name: ACME
          version: 1
        requirements:
          - id: 10.5
            title: x
          - id: "AB-1"
            title: ""
            automated: false
            colour: red
            rules:
              - {rule: K8S-001, fit: strong, why: ok}
              - {rule: "bad id", fit: direct}
              - {rule: K8S-001, fit: direct, why: again}
          - id: "AB-1"
            title: "%s"
        """ % ("x" * 130), "bad.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, display="bad.yaml")
    assert [str(p) for p in info.value.problems] == [
        "bad.yaml:3: framework: id 'ACME' must be lower-case letters, digits, '.' and '-'",
        'bad.yaml:5: framework: version must be a string, got 1 (quote it: "1")',
        'bad.yaml:7: requirement: id must be a string, got 10.5 (quote it: "10.5")',
        "bad.yaml:9: requirement AB-1: automated: false needs evidence: (what the team collects by hand)",
        "bad.yaml:10: requirement AB-1: title is empty",
        "bad.yaml:12: requirement AB-1: unknown key 'colour' (expected: automated, evidence, id, partial, "
        "rules, section, title)",
        "bad.yaml:14: requirement AB-1 rule K8S-001: fit must be direct or supporting, got 'strong'",
        "bad.yaml:15: requirement AB-1: 'bad id' is not a valid rule id",
        "bad.yaml:15: requirement AB-1 rule bad id: missing 'why'",
        "bad.yaml:16: requirement AB-1: rule K8S-001 is mapped twice",
        "bad.yaml:17: requirement AB-1: duplicate requirement id",
        "bad.yaml:18: requirement AB-1: title is 130 characters; keep it under 120",
    ]
    assert str(info.value).startswith("invalid control catalog (12 problems):\n  bad.yaml:3: framework: id")


def test_yaml_errors_duplicate_keys_and_patterns_name_the_line(tmp_path):
    broken = write_catalog(tmp_path, "schema_version: 1\nframework: {id: x\n", "broken.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(broken, display="broken.yaml")
    assert len(info.value.problems) == 1
    assert str(info.value.problems[0]).startswith("broken.yaml:3: invalid YAML: ")

    dup = write_catalog(tmp_path, ACME.replace("  id_pattern: '^AB-[0-9]+$'\n",
                                               "  id_pattern: '^AB-[0-9]+$'\n  name: Again\n")
                        .replace("  - id: AB-6\n", "  - id: ab-6\n"), "dup.yaml")
    with pytest.raises(CatalogError) as info:
        load_catalog(dup, display="dup.yaml")
    assert [str(p) for p in info.value.problems] == [
        "dup.yaml:8: duplicate key 'name' (first at line 4)",
        "dup.yaml:41: requirement ab-6: id does not match the framework's id_pattern ^AB-[0-9]+$",
    ]


def test_custom_catalog_may_not_reuse_a_builtin_id_and_paths_must_exist(tmp_path):
    clash = write_catalog(tmp_path, ACME.replace("id: acme-baseline", "id: gdpr"))
    with pytest.raises(CatalogError) as info:
        load_catalogs([clash])
    assert [str(p) for p in info.value.problems] == [
        f"{clash.as_posix()}:1: framework id 'gdpr' is already defined by controls/gdpr.yaml; "
        "give this framework another id"]
    with pytest.raises(InputError, match="no such control catalog file or directory"):
        load_catalogs([tmp_path / "missing.yaml"])


def test_unknown_rules_name_file_and_line(tmp_path):
    catalogs = load_catalogs([write_catalog(tmp_path, ACME)], builtin=False)
    assert [str(p) for p in catalogs.unknown_rules(builtin_rule_ids())] == [
        f"{(tmp_path / 'acme.yaml').as_posix()}:39: requirement AB-5: unknown rule id CKV_K8S_16"]


# ------------------------------------------------------------------ coverage


def _fixture_tree(root: Path) -> Path:
    """Two pods: "web" hardened, "legacy" the same but with a writable root filesystem."""
    write(root, "k8s/web.yaml", HARDENED_POD.format(name="web", namespace="shop"))
    write(root, "k8s/legacy.yaml", HARDENED_POD.format(name="legacy", namespace="shop")
          .replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"))
    return root / "k8s"


FIXTURE_ROWS = [
    ("AB-1", "pass", "direct", ("K8S-001", "K8S-002", "K8S-003", "K8S-004"), 2, 0, 0),
    ("AB-2", "pass", "direct", ("K8S-005", "K8S-006"), 2, 0, 0),
    ("AB-3", "fail", "direct", ("K8S-007",), 2, 1, 0),
    # K8S-040 applies to production Deployments only: none here, so not tested (never "pass")
    ("AB-4", "not tested", "", (), 0, 0, 0),
    ("AB-5", "not tested", "", (), 0, 0, 0),
    ("AB-6", "manual", "", (), 0, 0, 0),
]


def test_coverage_of_a_scan_is_exact(tmp_path):
    catalogs = load_catalogs([write_catalog(tmp_path, ACME)], builtin=False)
    target = _fixture_tree(tmp_path / "repo")
    results = scan(ScanOptions(paths=[str(target)], root=tmp_path / "repo", jobs=1)).results
    [acme] = coverage(results, catalogs, frameworks=["acme"])
    rows = [(r.requirement.id, r.status.value, r.fit, r.rules_evaluated, r.resources, r.failed, r.waived)
            for r in acme.requirements]
    assert rows == FIXTURE_ROWS
    assert acme.summary() == {"requirements": 6, "automated": 5, "pass": 2, "fail": 1, "waived": 0,
                              "not_tested": 2, "manual": 1}


def _result(rule_id: str, resource: str, status: Status) -> Result:
    rule = Rule(id=rule_id, name=rule_id.lower(), title="t", description="d", severity=Severity.high,
                remediation="r", engine="python", applies_to=AppliesTo("kubernetes"))
    res = Resource(family="kubernetes", type="Pod", name=resource, id=f"Pod/ns/{resource}", body={},
                   source=Source(file=f"{resource}.yaml", start_line=1, end_line=9))
    return Result(rule, res, status)


def test_coverage_status_rules_waived_error_and_distinct_resources(tmp_path):
    catalogs = load_catalogs([write_catalog(tmp_path, ACME)], builtin=False)
    results = [
        _result("K8S-001", "a", Status.passed), _result("K8S-002", "a", Status.waived),
        _result("K8S-001", "b", Status.passed),
        _result("K8S-005", "a", Status.error), _result("K8S-006", "a", Status.failed),
        _result("K8S-006", "a", Status.failed),  # two failing containers, one resource
        _result("K8S-007", "a", Status.waived), _result("K8S-007", "b", Status.failed),
    ]
    [acme] = coverage(results, catalogs)
    rows = {r.requirement.id: (r.status, r.resources, r.passed, r.failed, r.waived, r.errors)
            for r in acme.requirements}
    assert rows["AB-1"] == (CoverageStatus.waived, 2, 1, 0, 1, 0)
    assert rows["AB-2"] == (CoverageStatus.failed, 1, 0, 1, 0, 1)
    assert rows["AB-3"] == (CoverageStatus.failed, 2, 0, 1, 1, 0)
    assert rows["AB-4"] == (CoverageStatus.not_tested, 0, 0, 0, 0, 0)


def test_coverage_json_and_csv_shapes(tmp_path):
    catalogs = load_catalogs([write_catalog(tmp_path, ACME)], builtin=False)
    coverages = coverage([_result("K8S-007", "a", Status.passed)], catalogs)
    document = coverage_dict(coverages)
    assert document["schema"] == "compliance/coverage/v1"
    assert document["frameworks"][0]["requirements"][2] == {
        "framework": "acme-baseline", "id": "AB-3", "ref": "acme-baseline:AB-3", "section": "AB",
        "section_title": "Platform hardening", "title": "Root filesystems are read-only", "automated": True,
        "partial": False, "evidence": "", "status": "pass", "fit": "direct", "rules": ["K8S-007"],
        "rules_evaluated": ["K8S-007"], "resources": 1, "passed": 1, "failed": 0, "waived": 0, "errors": 0,
    }
    buffer = io.StringIO()
    write_csv(coverages, buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["framework", "id", "section", "title", "automated", "status", "fit", "rules",
                       "rules_evaluated", "resources", "passed", "failed", "waived", "errors", "evidence"]
    assert rows[3] == ["acme-baseline", "AB-3", "AB", "Root filesystems are read-only", "true", "pass", "direct",
                       "K8S-007", "K8S-007", "1", "1", "0", "0", "0", ""]
    assert rows[6] == ["acme-baseline", "AB-6", "AB", "Production access is reviewed every quarter", "false",
                       "manual", "", "", "", "0", "0", "0", "0", "0", "signed quarterly access review"]


def test_coverage_accepts_a_plain_framework_list():
    pci = builtin_catalogs().framework("pci-dss-4.0.1")
    [fc] = coverage([], [pci])
    assert fc.counts() == {"pass": 0, "fail": 0, "waived": 0, "not tested": pci.requirements.__len__()
                           - sum(not r.automated for r in pci.requirements),
                           "manual": sum(not r.automated for r in pci.requirements)}
    assert isinstance(Catalogs((pci,)).frameworks[0].requirements[0].ref, str)


# ------------------------------------------------------------------ CLI


def test_cli_controls_list_json():
    result = runner.invoke(app, ["controls", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == list(BUILTIN)
    pci = rows[3]
    framework = builtin_catalogs().framework("pci-dss-4.0.1")
    assert pci["requirements"] == len(framework.requirements)
    assert pci["manual"] == sum(not r.automated for r in framework.requirements)
    assert pci["aliases"] == ["pci-dss", "pci"]
    assert pci["file"] == "controls/pci-dss-4.0.1.yaml" and pci["builtin"] is True


def test_cli_controls_show_framework_and_one_requirement():
    result = runner.invoke(app, ["controls", "show", "soc2:CC6.6", "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["id"] == "soc2-tsc-2017"
    [requirement] = shown["requirements"]
    assert requirement["ref"] == "soc2-tsc-2017:CC6.6"
    assert {"rule": "K8S-041", "fit": "direct",
            "why": "Network protections limit unnecessary ports and protocols."} in requirement["rules"]

    table = runner.invoke(app, ["controls", "show", "pci-dss-4.0.1"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "1.2.7 " in table.output and "manual: signed review record" in table.output


def test_cli_controls_show_custom_framework_notes_ids_no_rule_has(tmp_path):
    acme = write_catalog(tmp_path, ACME)
    result = runner.invoke(app, ["controls", "show", "acme:AB-5", "--controls", str(acme), "--format", "json"])
    assert result.exit_code == 0
    result = runner.invoke(app, ["controls", "show", "acme", "--controls", str(acme)])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"note: {acme.as_posix()}:39: requirement AB-5: unknown rule id CKV_K8S_16 "
        "(a Checkov or --policy rule id counts only if the scan runs it)")


def test_cli_controls_show_unknown_names_exit_2():
    result = runner.invoke(app, ["controls", "show", "iso27001"])
    assert result.exit_code == 2
    assert "unknown framework 'iso27001'" in result.output
    result = runner.invoke(app, ["controls", "show", "pci:99.9"])
    assert result.exit_code == 2
    assert "pci-dss-4.0.1 has no requirement '99.9'" in result.output


def test_cli_controls_coverage_custom_framework_json_csv_and_exit_1(tmp_path, monkeypatch):
    _fixture_tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    acme = write_catalog(tmp_path, ACME)
    result = runner.invoke(app, ["controls", "coverage", "k8s", "--controls", str(acme),
                                 "--framework", "acme", "--format", "json"])
    assert result.exit_code == 1, result.output  # AB-3 fails
    [framework] = json.loads(result.output)["frameworks"]
    assert framework["id"] == "acme-baseline"
    assert [(r["id"], r["status"], r["resources"], r["failed"]) for r in framework["requirements"]] == [
        (row[0], row[1], row[4], row[5]) for row in FIXTURE_ROWS]

    out = tmp_path / "coverage.csv"
    result = runner.invoke(app, ["controls", "coverage", "k8s", "--controls", str(acme),
                                 "--no-builtin-controls", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 1
    lines = out.read_text().splitlines()
    assert lines[0] == ("framework,id,section,title,automated,status,fit,rules,rules_evaluated,resources,passed,"
                        "failed,waived,errors,evidence")
    assert lines[3] == ("acme-baseline,AB-3,AB,Root filesystems are read-only,true,fail,direct,K8S-007,K8S-007,"
                        "2,1,1,0,0,")
    assert len(lines) == 7


def test_cli_controls_coverage_table_summary_and_passing_exit_0(tmp_path, monkeypatch):
    _fixture_tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    only_passing = write_catalog(tmp_path, ACME.split("  - id: AB-3")[0])
    result = runner.invoke(app, ["controls", "coverage", "k8s", "--controls", str(only_passing),
                                 "--no-builtin-controls"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "acme-baseline: 2 automated requirements: 2 pass, 0 fail, 0 waived, 0 not tested; 0 manual"
    assert [[cell.strip() for cell in line.split("│")[1:9]] for line in lines if line.startswith("│ AB-")] == [
        ["AB-1", "pass", "direct", "2", "0", "0", "K8S-001 K8S-002 K8S-003 K8S-004",
         "Workloads never share host namespaces or run privileged"],
        ["AB-2", "pass", "direct", "2", "0", "0", "K8S-005 K8S-006",
         "Containers run as non-root without privilege escalation"],
    ]


def test_cli_controls_bad_catalog_and_unknown_framework_exit_2(tmp_path):
    bad = write_catalog(tmp_path, "schema_version: 2\n", "bad.yaml")
    result = runner.invoke(app, ["controls", "list", "--controls", str(bad)])
    assert result.exit_code == 2
    assert f"{bad.as_posix()}:1: schema_version must be 1, got 2" in result.output
    result = runner.invoke(app, ["controls", "coverage", str(tmp_path), "--framework", "iso27001"])
    assert result.exit_code == 2
    assert "unknown framework 'iso27001'" in result.output
    result = runner.invoke(app, ["controls", "list", "--no-builtin-controls"])
    assert result.exit_code == 2
    assert "--no-builtin-controls leaves no frameworks" in result.output


def test_pci_coverage_of_the_example_platform():
    # Golden rows: update them (after review) when rules or mappings for these requirements change.
    report = scan(ScanOptions(paths=[str(REPO / "examples" / "payment-platform")], root=REPO, jobs=1))
    [pci] = coverage(report.results, builtin_catalogs(), frameworks=["pci-dss-4.0.1"])
    rows = {r.requirement.id: (r.status.value, r.fit, r.resources, r.failed) for r in pci.requirements}
    # the production payments Services (Kustomize overlay, Helm production render) are internal, and so
    # are the EKS security groups in the production plan: no public exposure of the CDE
    assert rows["1.4.4"] == ("pass", "direct", 3, 0)
    # 6 workloads (3 overlays, 2 Helm renders, argocd-repo-server): argocd-repo-server and the
    # otel-agent sidecars break the baseline
    assert rows["2.2.1"] == ("fail", "direct", 6, 4)
    # no literal passwords in env: the database password comes from a Secret
    assert rows["8.6.2"] == ("pass", "direct", 6, 0)
    # the EKS control-plane log groups in the two Terraform plans keep logs long enough
    assert rows["10.5.1"] == ("pass", "direct", 2, 0)
    assert rows["12.5.2"] == ("manual", "", 0, 0)
