"""compliance.yaml, waivers (configured and inline) and baselines, as a user meets them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import HARDENED_POD, fails, run, write
from typer.testing import CliRunner

from compliance import config as config_file
from compliance.cli import app
from compliance.errors import InputError
from compliance.model import Status

runner = CliRunner()
TODAY = dt.date.today()
SOON = (TODAY + dt.timedelta(days=30)).isoformat()
PAST = (TODAY - dt.timedelta(days=1)).isoformat()
FAR = (TODAY + dt.timedelta(days=400)).isoformat()

WRITABLE = HARDENED_POD.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
NETPOL = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: pay}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
"""


def _tree(tmp_path, config_text: str | None = None):
    write(tmp_path, "k8s/app.yaml", WRITABLE.format(name="app", namespace="pay"))
    write(tmp_path, "k8s/netpol.yaml", NETPOL)
    if config_text is not None:
        write(tmp_path, "compliance.yaml", config_text)
    return tmp_path


def _waiver(expires: str, **extra) -> str:
    fields = {"rule": "K8S-007", "resource": "Pod/pay/*", "reason": "vendor image writes to /tmp",
              "owner": "team-payments", "approved_by": "security-lead", "ticket": "PAY-1", "expires": expires}
    fields.update(extra)
    body = "".join(f"    {k}: {v}\n" for k, v in fields.items() if v is not None)
    return "waivers:\n  - " + body[4:]


def _scan(tmp_path, *args):
    return runner.invoke(app, ["scan", str(tmp_path / "k8s"), "--config", str(tmp_path / "compliance.yaml"),
                               "--format", "json", "--root", str(tmp_path), *args])


def test_waiver_marks_result_waived_everywhere(tmp_path):
    _tree(tmp_path, _waiver(SOON))
    result = _scan(tmp_path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    waived = [r for r in data["results"] if r["status"] == "waived"]
    assert [(r["rule_id"], r["resource"]["id"]) for r in waived] == [("K8S-007", "Pod/pay/app")]
    assert waived[0]["waiver"]["owner"] == "team-payments"
    assert waived[0]["waiver"]["expires"] == SOON
    assert data["summary"]["waived"] == 1
    [entry] = data["waivers"]
    assert (entry["status"], entry["days_left"], entry["matched"]) == ("active", 30, ["Pod/pay/app"])
    assert data["warnings"] == []


def test_expired_waiver_fails_again_with_a_warning(tmp_path):
    _tree(tmp_path)
    options_cfg = config_file.load(write(tmp_path, "compliance.yaml", _waiver(PAST)))
    report = run(tmp_path, str(tmp_path / "k8s"), waivers=options_cfg.waivers)
    assert [f[0] for f in fails(report)] == ["K8S-007"]
    assert report.warnings == [
        f"{tmp_path.as_posix()}/compliance.yaml:2: waiver for K8S-007 on Pod/pay/* expired on {PAST}; "
        "1 finding(s) fail again"]
    assert report.waiver_register[0]["status"] == "expired"


def test_stale_waiver_is_reported(tmp_path):
    _tree(tmp_path)
    cfg = config_file.load(write(tmp_path, "compliance.yaml", _waiver(SOON, rule="K8S-001")))
    report = run(tmp_path, str(tmp_path / "k8s"), waivers=cfg.waivers)
    assert report.warnings == [
        f"{tmp_path.as_posix()}/compliance.yaml:2: waiver for K8S-001 on Pod/pay/* matches no failing result "
        "(stale: remove it)"]
    assert report.waiver_register[0]["status"] == "stale"


@pytest.mark.parametrize(("text", "message"), [
    (_waiver(SOON, owner=None), "compliance.yaml:2: waiver is missing owner"),
    (_waiver(FAR), f"compliance.yaml:2: waiver expires {FAR}, more than 365 days ahead (max_waiver_days)"),
    (_waiver("next-week"), "compliance.yaml:2: expiry 'next-week' is not a date (YYYY-MM-DD)"),
    ("fail_on: high\nrules_off: [K8S-001]\n", "compliance.yaml:2: unknown key 'rules_off'"),
    ("frameworks: pci\n", "compliance.yaml:1: frameworks must be a list, not str"),
    ("fail_on: urgent\n", "compliance.yaml:1: invalid severity 'urgent'"),
    ("disabled_rules:\n  K8S-010:\n", "compliance.yaml:2: disabled_rules.K8S-010 needs a reason"),
    ("fail_on: [\n", "compliance.yaml:2: invalid YAML"),
])
def test_bad_settings_name_file_key_and_line(tmp_path, text, message):
    _tree(tmp_path, text)
    result = _scan(tmp_path)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_inline_waiver_needs_an_expiry(tmp_path):
    annotated = WRITABLE.format(name="app", namespace="pay").replace(
        "labels: {app: app}",
        f"labels: {{app: app}}\n  annotations:\n    compliance.dev/waive: \"K8S-007 until={SOON} reason='needs /tmp'"
        " owner=team-payments; K8S-009 reason=forever\"")
    write(tmp_path, "k8s/app.yaml", annotated)
    write(tmp_path, "k8s/netpol.yaml", NETPOL)
    report = run(tmp_path, str(tmp_path / "k8s"))
    statuses = {r.rule.id: r.status for r in report.results if r.rule.id in ("K8S-007",)}
    assert statuses == {"K8S-007": Status.waived}
    assert report.warnings == [
        "k8s/app.yaml:1 Pod/pay/app annotation compliance.dev/waive: inline waiver for K8S-009 rejected: "
        "it has no until=YYYY-MM-DD expiry"]
    [entry] = report.waiver_register
    assert (entry["inline"], entry["reason"], entry["owner"]) == (True, "needs /tmp", "team-payments")


def test_disabled_rules_params_and_environment_globs(tmp_path):
    _tree(tmp_path, "disabled_rules:\n  K8S-007: read-only root enforced by admission\n  K8S-999: typo\n"
          "environments:\n  'k8s/*': production\n")
    result = _scan(tmp_path)
    data = json.loads(result.stdout)
    assert "K8S-007" not in {r["id"] for r in data["rules"]}
    assert data["disabled_rules"] == {"K8S-007": "read-only root enforced by admission"}
    assert data["warnings"] == ["disabled_rules: no rule 'K8S-999' exists"]
    assert {r["environment"] for r in data["resources"]} == {"production"}


def test_flags_override_settings(tmp_path):
    _tree(tmp_path, "fail_on: high\n")
    assert _scan(tmp_path).exit_code == 0  # only a medium finding
    assert _scan(tmp_path, "--fail-on", "medium").exit_code == 1


def test_baseline_survives_line_shifts_and_reports_new_and_fixed(tmp_path):
    _tree(tmp_path, "")
    baseline = tmp_path / "baseline.json"
    first = _scan(tmp_path, "--create-baseline", str(baseline))
    assert first.exit_code == 1
    assert json.loads(baseline.read_text())["findings"][0]["rule_id"] == "K8S-007"
    # Lines shift: a comment block above the resource.
    app_file = tmp_path / "k8s/app.yaml"
    app_file.write_text("# owned by payments\n# see runbook\n" + app_file.read_text())
    shifted = _scan(tmp_path, "--baseline", str(baseline))
    assert shifted.exit_code == 0, shifted.output
    assert [r["in_baseline"] for r in json.loads(shifted.stdout)["results"] if r["status"] == "fail"] == [True]
    # A new problem fails; the old one fixed is reported.
    app_file.write_text(app_file.read_text().replace("readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true")
                        .replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"))
    changed = _scan(tmp_path, "--baseline", str(baseline))
    assert changed.exit_code == 1
    data = json.loads(changed.stdout)
    assert [r["rule_id"] for r in data["results"] if r["status"] == "fail"] == ["K8S-006"]
    assert [f["rule_id"] for f in data["baseline"]["fixed"]] == ["K8S-007"]


def test_bad_baseline_file_is_a_clear_error(tmp_path):
    _tree(tmp_path, "")
    (tmp_path / "b.json").write_text("{}")
    result = _scan(tmp_path, "--baseline", str(tmp_path / "b.json"))
    assert result.exit_code == 2
    assert "not a compliance baseline" in result.output


def test_init_and_waivers_list_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert config_file.load(tmp_path / "compliance.yaml").fail_on.value == "low"  # the starter is valid
    assert runner.invoke(app, ["init"]).exit_code == 2
    _tree(tmp_path, _waiver(SOON))
    listed = runner.invoke(app, ["waivers", "list", "k8s", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0] == "rule,resource,file,owner,approved_by,ticket,expires,days_left,status,reason,where"
    assert lines[1].startswith(f"K8S-007,Pod/pay/*,*,team-payments,security-lead,PAY-1,{SOON},30,active,")


def test_config_errors_are_input_errors():
    with pytest.raises(InputError, match="config file not found"):
        config_file.find([], config_file.Path("/nonexistent/compliance.yaml"))


USER_RULE = '''
from compliance.model import Violation
from compliance.rules.registry import rule


@rule(id="ORG-100", title="Team label missing", description="Every workload names its team.",
      severity="low", remediation="Add metadata.labels.team.", applies_to={"family": "kubernetes"})
def team_label_missing(resource, *, inventory, params):
    if "team" not in resource.labels:
        yield Violation(f"{resource.type} {resource.name!r} has no team label", ("metadata", "labels"))
'''


def test_python_rules_from_settings_load_only_when_allowed(tmp_path):
    _tree(tmp_path, "python_rules: [rules/team.py]\n")
    write(tmp_path, "rules/team.py", USER_RULE)
    refused = json.loads(_scan(tmp_path).stdout)
    assert "ORG-100" not in {r["id"] for r in refused["rules"]}
    assert refused["warnings"] == [
        f"{tmp_path.as_posix()}/compliance.yaml: python_rules not loaded: they run code from the repository; "
        "pass --allow-python-rules to load them"]
    allowed = json.loads(_scan(tmp_path, "--allow-python-rules").stdout)
    found = [(r["rule_id"], r["resource"]["id"], r["line"], r["message"]) for r in allowed["results"]
             if r["rule_id"] == "ORG-100" and r["status"] == "fail"]
    assert found == [("ORG-100", "Pod/pay/app", 6, "Pod 'app' has no team label"),
                     ("ORG-100", "NetworkPolicy/pay/deny", 3, "NetworkPolicy 'deny' has no team label")]


TF_VOLUME = """
# scratch space for the nightly batch
{comment}
resource "aws_ebs_volume" "batch_scratch" {{
  availability_zone = "eu-west-1a"
  size              = 200
  encrypted         = false
}}
"""


def test_terraform_inline_waiver_is_a_comment_above_the_resource(tmp_path):
    write(tmp_path, "tf/main.tf", TF_VOLUME.format(
        comment=f"# compliance.dev/waive: AWS-015 until={SOON} reason='scratch data only' owner=team-batch"))
    report = run(tmp_path, str(tmp_path / "tf"))
    [result] = [r for r in report.results if r.rule.id == "AWS-015"]
    assert (result.status, result.waiver["reason"], result.waiver["owner"]) == (
        Status.waived, "scratch data only", "team-batch")
    [entry] = report.waiver_register
    assert (entry["inline"], entry["where"]) == (
        True, "tf/main.tf:1 aws_ebs_volume.batch_scratch comment compliance.dev/waive")


def test_terraform_inline_waiver_without_expiry_is_rejected(tmp_path):
    write(tmp_path, "tf/main.tf", TF_VOLUME.format(comment="// compliance.dev/waive: AWS-015 reason=forever"))
    report = run(tmp_path, str(tmp_path / "tf"))
    assert [r.status for r in report.results if r.rule.id == "AWS-015"] == [Status.failed]
    assert report.warnings == [
        "tf/main.tf:1 aws_ebs_volume.batch_scratch comment compliance.dev/waive: inline waiver for AWS-015 "
        "rejected: it has no until=YYYY-MM-DD expiry"]
