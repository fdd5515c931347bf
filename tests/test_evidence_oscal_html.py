"""The bundle's OSCAL assessment-results (loaded with compliance-trestle) and its HTML report (in Chromium)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_evidence_build import build, keygen, lines, make_tree

from compliance.controls import oscal_id

TOKEN = re.compile(r"^(\w|_)[\w.\-]*$")  # OSCAL token (letters incl. unicode, digits, . - _), not starting with a digit
STATE = {"pass": ("satisfied", "pass"), "waived": ("satisfied", "pass"), "fail": ("not-satisfied", "fail"),
         "not tested": ("not-satisfied", "other"), "manual": ("not-satisfied", "other")}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    keys = keygen(tmp_path_factory.mktemp("keys"))
    root = make_tree(tmp_path_factory.mktemp("repo"))
    result = build(root, Path("ev"), key=keys[0])
    assert result.exit_code == 0, result.output
    return root / "ev"


def _ar(bundle: Path) -> dict:
    return json.loads((bundle / "oscal/assessment-results.json").read_text())["assessment-results"]


def test_evidence_oscal_loads_with_trestle(bundle):
    models = pytest.importorskip("trestle.oscal.assessment_results")
    document = models.AssessmentResults.oscal_read(bundle / "oscal/assessment-results.json")
    assert document.metadata.oscal_version.__root__ == "1.1.3"
    [result] = document.results
    coverage = json.loads((bundle / "controls/coverage.json").read_text())
    requirements = [r for f in coverage["frameworks"] for r in f["requirements"]]
    assert len(result.findings) == len(requirements)
    assert len(result.local_definitions.inventory_items) == 3


def test_evidence_oscal_findings_follow_coverage(bundle):
    ar = _ar(bundle)
    [result] = ar["results"]
    coverage = json.loads((bundle / "controls/coverage.json").read_text())
    requirements = [r for f in coverage["frameworks"] for r in f["requirements"]]
    findings = result["findings"]
    assert [f["target"]["target-id"] for f in findings] == [f"{oscal_id(r['framework'], r['id'])}_obj"
                                                            for r in requirements]
    assert [(f["target"]["status"]["state"], f["target"]["status"]["reason"]) for f in findings] == [
        STATE[r["status"]] for r in requirements]
    assert [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]] == [
        oscal_id(r["framework"], r["id"]) for r in requirements]
    assert all(TOKEN.match(f["target"]["target-id"]) for f in findings)
    observations = {o["uuid"]: o for o in result["observations"]}
    rules = sorted({row["rule_id"] for row in lines(bundle / "results/results.jsonl")})
    assert sorted(o["title"].split()[0] for o in observations.values()) == rules
    # A failing requirement points at the observations of the rules that evaluated it.
    failing = next(f for f, r in zip(findings, requirements, strict=True) if r["status"] == "fail")
    related = [observations[o["observation-uuid"]]["title"].split()[0] for o in failing["related-observations"]]
    requirement = requirements[findings.index(failing)]
    assert related == requirement["rules_evaluated"]


def test_evidence_oscal_waivers_are_risks(bundle):
    [result] = _ar(bundle)["results"]
    risks = sorted((r["title"], r["status"]) for r in result["risks"])
    assert risks == [("Waiver of K8S-010 for Deployment/shop/web", "open"),
                     ("Waiver of K8S-031 for Deployment/shop/web", "deviation-approved")]


def test_evidence_oscal_back_matter_hashes_the_evidence(bundle):
    ar = _ar(bundle)
    resources = {r["uuid"]: r for r in ar["back-matter"]["resources"]}
    method = resources[ar["import-ap"]["href"][1:]]
    assert [link["href"] for link in method["rlinks"]] == ["../tool/tool.json", "../tool/rules.jsonl",
                                                          "../scope/config.json"]
    for resource in resources.values():
        for link in resource["rlinks"]:
            data = (bundle / "oscal" / link["href"]).resolve().read_bytes()
            assert link["hashes"] == [{"algorithm": "SHA-256", "value": hashlib.sha256(data).hexdigest()}]
    [result] = ar["results"]
    for observation in result["observations"]:
        for evidence in observation["relevant-evidence"]:
            assert evidence["href"][1:] in resources


def test_evidence_oscal_uuids_are_stable(bundle, tmp_path):
    root = bundle.parent
    again = build(root, Path("again"), env={"SOURCE_DATE_EPOCH": "1790000000"})
    assert again.exit_code == 0, again.output
    first, second = _ar(bundle), _ar(root / "again")
    uuids = re.compile(r'"uuid": "([0-9a-f-]{36})"')
    assert uuids.findall(json.dumps(first, sort_keys=True)) == uuids.findall(json.dumps(second, sort_keys=True))


def test_evidence_html_is_self_contained(bundle):
    html = (bundle / "report.html").read_text()
    assert re.findall(r"""(?:src|href)\s*=|@import|url\(|<script|<link""", html, flags=re.I) == []
    assert "<title>Compliance evidence 2026-Q4</title>" in html


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium (Debian: apt-get install -y chromium)")


def test_evidence_html_renders_in_chromium(bundle, tmp_path):
    browser = _chromium()
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run([*args, "--dump-dom", (bundle / "report.html").as_uri()], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<title>Compliance evidence 2026-Q4</title>" in dom
    table = re.search(r'<table id="coverage-summary">(.*?)</table>', dom, flags=re.S)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]
    assert cells[0] == ["Framework", "Name", "Requirements", "Pass", "Fail", "Waived", "Not tested", "Manual"]
    coverage = json.loads((bundle / "controls/coverage.json").read_text())
    assert cells[1:] == [[f["id"], f"{f['name']} {f['version']}", str(f["summary"]["requirements"]),
                          *(str(f["summary"][k]) for k in ("pass", "fail", "waived", "not_tested", "manual"))]
                         for f in coverage["frameworks"]]
    assert 'id="coverage-pci-dss-4.0.1"' in dom and 'id="waivers"' in dom
    shot = tmp_path / "report.png"
    done = subprocess.run([*args, "--window-size=1280,2000", f"--screenshot={shot}", (bundle / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evidence_reports_escape_what_rules_say(tmp_path):
    """A custom policy's message lands in the reports as text, never as markup."""
    root = make_tree(tmp_path)
    (root / "policies").mkdir()
    (root / "policies/hostile.rego").write_text(
        'package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == "ConfigMap"\n'
        '\tmsg := "<script>alert(1)</script> & \\"q\\" | pipe"\n}\n')
    result = build(root, Path("ev"), "--policy", "policies")
    assert result.exit_code == 0, result.output
    html = (root / "ev/report.html").read_text()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; | pipe" in html
    markdown = (root / "ev/report.md").read_text()
    assert "&lt;script>alert(1)&lt;/script> & \"q\" \\| pipe" in markdown


def test_evidence_encrypted_signing_key(tmp_path):
    from test_evidence_build import invoke

    env = {"COMPLIANCE_SIGNING_KEY_PASSPHRASE": "correct horse"}
    done = invoke(tmp_path, "evidence", "keygen", "--out", "keys", env=env)
    assert done.exit_code == 0, done.output
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "keys/signing-key.pem").read_bytes()
    root = make_tree(tmp_path / "repo")
    key = tmp_path / "keys/signing-key.pem"
    missing = build(root, Path("ev"), key=key, env={"COMPLIANCE_SIGNING_KEY_PASSPHRASE": ""})
    assert missing.exit_code == 2
    assert f"{key}: the signing key is encrypted; set COMPLIANCE_SIGNING_KEY_PASSPHRASE" in missing.output
    wrong = build(root, Path("ev"), key=key, env={"COMPLIANCE_SIGNING_KEY_PASSPHRASE": "wrong"})
    assert wrong.exit_code == 2 and f"{key}: not a usable PEM private key" in wrong.output
    signed = build(root, Path("ev"), key=key, env=env)
    assert signed.exit_code == 0, signed.output
    verified = invoke(root, "evidence", "verify", "ev", "--key", str(tmp_path / "keys/signing-key.pub.pem"))
    assert verified.exit_code == 0, verified.output
