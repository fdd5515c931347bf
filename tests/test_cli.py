"""The command line as a user meets it: output, exit codes, errors without tracebacks."""

from __future__ import annotations

import json

from helpers import HARDENED_POD, write
from typer.testing import CliRunner

from compliance import __version__
from compliance.cli import app

runner = CliRunner()

PRIVILEGED = """
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: ns}
spec:
  containers:
    - name: app
      image: busybox:1.36
      securityContext: {privileged: true}
"""


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output == f"compliance {__version__}\n"


def test_help_lists_commands_and_scan_help_has_examples():
    assert invoke("--help").exit_code == 0
    scan_help = invoke("scan", "--help")
    assert scan_help.exit_code == 0
    for text in ("compliance scan examples/payment-platform", "--fail-on", "--soft-fail", "Exit codes"):
        assert text in scan_help.output


def test_unknown_flag_is_usage_error():
    result = runner.invoke(app, ["scan", ".", "--no-such-flag"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_missing_path_is_exit_2_without_traceback(tmp_path):
    result = runner.invoke(app, ["scan", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "path not found" in result.output
    assert "Traceback" not in result.output


def test_findings_exit_1_and_table_shows_location(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "k8s/pod.yaml", PRIVILEGED)
    result = invoke("scan", "k8s")
    assert result.exit_code == 1
    assert "k8s/pod.yaml:8  Pod/ns/bad" in result.output
    assert "K8S-001" in result.output
    assert "1 file, 1 resource, " in result.output


def test_fail_on_and_soft_fail(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pod.yaml", HARDENED_POD.format(name="p", namespace="n").replace(
        "cpu: 100m, ", ""))  # only a low finding (no CPU limit) plus the NetworkPolicy one (medium)
    assert invoke("scan", "pod.yaml").exit_code == 1
    assert invoke("scan", "pod.yaml", "--fail-on", "high").exit_code == 0
    assert invoke("scan", "pod.yaml", "--soft-fail").exit_code == 0


def test_clean_scan_exits_0(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pod.yaml", HARDENED_POD.format(name="p", namespace="n"))
    write(tmp_path, "np.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
          "metadata: {name: d, namespace: n}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n")
    result = invoke("scan", ".")
    assert result.exit_code == 0
    assert "0 failed" in result.output


def test_json_to_file_and_stdin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out.json"
    result = invoke("scan", "-", "--format", "json", "-o", out, input=PRIVILEGED)
    assert result.exit_code == 1
    data = json.loads(out.read_text())
    failed = [r for r in data["results"] if r["status"] == "fail" and r["rule_id"] == "K8S-001"]
    from compliance.controls import controls_for

    assert failed == [{
        "controls": controls_for("K8S-001"),
        "end_line": 9, "file": "<stdin>", "line": 9, "message": 'container "app" runs privileged '
        "(securityContext.privileged: true)", "path": "spec.containers[0].securityContext.privileged",
        "resource": {"environment": None, "id": "Pod/ns/bad", "name": "bad", "namespace": "ns", "type": "Pod"},
        "rule": "privileged-container", "rule_id": "K8S-001", "severity": "high", "status": "fail"}]
    assert data["schema"] == "compliance/scan-report/v1"


def test_unreadable_input_exits_2_but_scans_the_rest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "good.yaml", PRIVILEGED)
    write(tmp_path, "broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [\n")
    result = invoke("scan", ".")
    assert result.exit_code == 2
    assert "broken.yaml:4: invalid YAML" in result.output
    assert "good.yaml:8" in result.output


def test_rules_list_and_show():
    listing = invoke("rules", "list", "--format", "json")
    assert listing.exit_code == 0
    ids = [r["id"] for r in json.loads(listing.output)]
    assert ids == sorted(ids)
    assert {"K8S-001", "K8S-012", "K8S-040", "K8S-041"} <= set(ids)
    shown = invoke("rules", "show", "K8S-001")
    assert shown.exit_code == 0
    assert "privileged-container" in shown.output
    assert "Remove securityContext.privileged" in shown.output
    by_name = invoke("rules", "show", "privileged-container")
    assert by_name.output == shown.output
    missing = runner.invoke(app, ["rules", "show", "NOPE-1"])
    assert missing.exit_code == 2
    assert "no rule 'NOPE-1'" in missing.output


def test_policy_test_runs_the_builtin_library():
    result = invoke("policy", "test")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].startswith("PASS: ")


def test_policy_test_reports_failures(tmp_path):
    write(tmp_path, "p/a.rego", "package a\n\nimport rego.v1\n\nallow if input.ok\n")
    write(tmp_path, "p/a_test.rego", "package a_test\n\nimport rego.v1\n\n"
          "test_ok if data.a.allow with input as {\"ok\": true}\n\n"
          "test_wrong if data.a.allow with input as {\"ok\": false}\n")
    result = runner.invoke(app, ["policy", "test", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "FAIL: a_test.test_wrong" in result.output
    assert result.output.strip().splitlines()[-1] == "FAIL: 1/2"


def test_results_carry_controls_and_frameworks_scope_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pod.yaml", PRIVILEGED)
    from compliance.controls import controls_for

    everything = controls_for("K8S-001")
    assert {ref.split(":", 1)[0] for ref in everything} >= {"pci-dss-4.0.1", "nist-800-53-r5"}
    data = json.loads(invoke("scan", "pod.yaml", "-f", "json").stdout)
    [row] = [r for r in data["results"] if r["rule_id"] == "K8S-001"]
    assert row["controls"] == everything
    pci_only = json.loads(invoke("scan", "pod.yaml", "-f", "json", "--framework", "pci").stdout)
    [row] = [r for r in pci_only["results"] if r["rule_id"] == "K8S-001"]
    assert row["controls"] == [c for c in everything if c.startswith("pci-dss-4.0.1:")]
    assert pci_only["frameworks"] == ["pci-dss-4.0.1"]
    table = invoke("scan", "pod.yaml", "--framework", "pci", "--show-controls", env={"COLUMNS": "200"})
    [finding] = [line for line in table.output.splitlines() if line.lstrip().startswith("K8S-001")]
    below = table.output.splitlines()[table.output.splitlines().index(finding) + 2]
    assert below.strip() == ", ".join(row["controls"])  # location line, message line, then the controls
    unknown = runner.invoke(app, ["scan", "pod.yaml", "--framework", "iso27001"])
    assert unknown.exit_code == 2
    assert "unknown framework 'iso27001'" in unknown.output


def test_rules_reference_page_is_current():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "gen_rules_doc.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
