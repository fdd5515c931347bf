"""Checkov's Terraform checks (.tf and plan JSON) in a process of its own; the worker's error cases."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest
from test_engine_checkov import checkov_frameworks, checkov_options, checkov_python
from typer.testing import CliRunner

from compliance.cli import app
from compliance.controls import controls_for
from compliance.engines import checkov as checkov_engine
from compliance.engines.checkov_map import builtin_map
from compliance.errors import EngineError, InputError
from compliance.scan import ScanOptions, scan

FIXTURES = Path(__file__).parent / "fixtures" / "checkov"
EXAMPLE = Path(__file__).parent.parent / "examples" / "payment-platform" / "terraform"
needs_checkov_terraform = pytest.mark.skipif(
    "terraform" not in checkov_frameworks(),
    reason="no Python whose Checkov can load its Terraform runners: set COMPLIANCE_CHECKOV_PYTHON to a venv "
           "with only checkov installed (see README, More engines)")

KMS_POLICY = ("CKV2_AWS_64", "aws_kms_key.data", "main.tf", 1, 4, "fail", "medium", "Ensure KMS key Policy is defined")
KMS_ROTATION = ("CKV_AWS_7", "aws_kms_key.data", "main.tf", 1, 4, "fail", "medium",
                "Ensure rotation for customer created CMKs is enabled")
OURS_ROTATION = ("AWS-010", "aws_kms_key.data", "main.tf", 3, 3, "fail", "medium",
                 'aws_kms_key "data" has automatic rotation off (enable_key_rotation: false)')
SG_ATTACHED = ("CKV2_AWS_5", "aws_security_group.ssh", "main.tf", 6, 18, "fail", "low",
               "Ensure that Security Groups are attached to another resource")
SG_SSH = ("CKV_AWS_24", "aws_security_group.ssh", "main.tf", 6, 18, "fail", "high",
          "Ensure no security groups allow ingress from 0.0.0.0:0 to port 22")
OURS_SSH = ("AWS-030", "aws_security_group.ssh", "main.tf", 16, 16, "fail", "high",
            'aws_security_group "ssh" ingress #0 allows 0.0.0.0/0 to port 22 (SSH)')


def _scan(folder: str, name: str, **kw):
    root = FIXTURES / folder
    return scan(ScanOptions(paths=[str(root / name)], root=root, jobs=1, engines=("rego", "python", "checkov"),
                            loader_options=checkov_options(), **kw))


def _row(result):
    return (result.rule.id, result.resource.id, result.resource.source.file, result.line, result.end_line,
            result.status.value, result.rule.severity.value, result.message)


def _failed(report):
    return [_row(r) for r in report.results if r.status.value == "fail"]


@pytest.fixture(scope="module")
def tf_report():
    return _scan("terraform", "main.tf")


@pytest.fixture(scope="module")
def plan_report():
    return _scan("plan", "plan.json")


@needs_checkov_terraform
def test_tf_findings_exact(tf_report):
    # Ours and Checkov's, in report order; CKV_AWS_7 and CKV_AWS_24 are folded into AWS-010 and AWS-030.
    assert _failed(tf_report) == [KMS_POLICY, OURS_ROTATION, SG_ATTACHED, OURS_SSH]
    ours = {r.rule.id: r for r in tf_report.results if r.status.value == "fail"}
    assert ours["AWS-010"].details == {"corroborated_by": ["CKV_AWS_7"]}
    assert ours["AWS-030"].details == {"corroborated_by": ["CKV_AWS_24"]}
    assert ours["CKV2_AWS_5"].details == {"engine": "checkov",
                                          "check": "Ensure that Security Groups are attached to another resource"}
    assert tf_report.warnings == []
    # Passed checks are kept (evidence of the population tested), on our own Resource objects.
    passed = sorted(r.rule.id for r in tf_report.results if r.status.value == "pass" and r.rule.engine == "checkov")
    assert passed == ["CKV_AWS_227", "CKV_AWS_23", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277", "CKV_AWS_33",
                      "CKV_AWS_382"]
    assert {id(r.resource) for r in tf_report.results} == {id(r) for r in tf_report.resources}


@needs_checkov_terraform
def test_tf_findings_carry_our_controls(tf_report):
    # like AWS-030: that rule's requirements (PCI DSS 1.x, SOC 2 CC6.6, GDPR 32) as supporting evidence.
    assert tf_report.controls["CKV2_AWS_5"] == controls_for("AWS-030")
    assert "pci-dss-4.0.1:1.3.1" in tf_report.controls["CKV2_AWS_5"]
    assert "soc2-tsc-2017:CC6.6" in tf_report.controls["CKV2_AWS_5"]
    assert "gdpr:Art.32(1)(b)" in tf_report.controls["CKV2_AWS_5"]
    assert tf_report.controls["CKV_AWS_24"] == controls_for("AWS-030")
    assert tf_report.controls["CKV2_AWS_64"] == controls_for("AWS-012")


@needs_checkov_terraform
def test_plan_findings_located_at_tf_lines(plan_report):
    # The plan runner's records are on plan.json lines; ours map the address to the .tf block.
    assert _failed(plan_report) == [KMS_POLICY, OURS_ROTATION, SG_ATTACHED, OURS_SSH]
    sg = next(r for r in plan_report.results if r.rule.id == "CKV2_AWS_5")
    assert sg.resource.source.origin.detail == "plan.json:23"  # the resource in planned_values
    ours = {r.rule.id: r for r in plan_report.results if r.status.value == "fail"}
    assert ours["AWS-030"].details == {"corroborated_by": ["CKV_AWS_24"]}
    assert ours["AWS-010"].details == {"corroborated_by": ["CKV_AWS_7"]}
    assert plan_report.warnings == []


@needs_checkov_terraform
def test_tf_show_duplicates_keeps_both():
    report = _scan("terraform", "main.tf", show_duplicates=True)
    assert _failed(report) == [KMS_POLICY, KMS_ROTATION, OURS_ROTATION, SG_ATTACHED, SG_SSH, OURS_SSH]
    by_rule = {r.rule.id: r for r in report.results if r.status.value == "fail"}
    assert by_rule["CKV_AWS_24"].details["duplicate_of"] == ["AWS-030"]
    assert by_rule["CKV_AWS_7"].details["duplicate_of"] == ["AWS-010"]
    assert by_rule["AWS-030"].details == {"corroborated_by": ["CKV_AWS_24"]}


@needs_checkov_terraform
def test_cli_checkov_python_flag_json(tmp_path):
    shutil.copy(FIXTURES / "terraform" / "main.tf", tmp_path / "main.tf")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["scan", "main.tf", "--engine", "rego,checkov", "-f", "json",
                                          "--checkov-python", checkov_python(), "--show-duplicates"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    rows = [(r["rule_id"], r["file"], r["line"], r["end_line"], r["severity"]) for r in data["results"]
            if r["status"] == "fail"]
    assert rows == [("CKV2_AWS_64", "main.tf", 1, 4, "medium"), ("CKV_AWS_7", "main.tf", 1, 4, "medium"),
                    ("AWS-010", "main.tf", 3, 3, "medium"), ("CKV2_AWS_5", "main.tf", 6, 18, "low"),
                    ("CKV_AWS_24", "main.tf", 6, 18, "high"), ("AWS-030", "main.tf", 16, 16, "high")]
    row = next(r for r in data["results"] if r["rule_id"] == "CKV_AWS_24")
    assert row["controls"] == controls_for("AWS-030")


@needs_checkov_terraform
def test_every_aws_check_run_on_the_example_is_mapped():
    inputs = {"terraform": sorted(str(p) for p in EXAMPLE.rglob("*.tf")),
              "terraform_plan": sorted(str(p) for p in EXAMPLE.rglob("plan.json"))}
    answer = checkov_engine.run_worker(checkov_python(), inputs)
    ran = {r["check_id"] for r in answer["records"]}
    assert {"CKV_AWS_24", "CKV2_AWS_11", "CKV_AWS_37", "CKV_AWS_58"} <= ran
    assert answer["unavailable"] == {} and answer["parsing_errors"] == {}
    # Every AWS check on this example is one of ours (module-pinning CKV_TF_* are not AWS checks).
    assert sorted(c for c in ran if "_AWS_" in c and c not in builtin_map()) == []


@needs_checkov_terraform
def test_terraform_runner_unavailable_is_a_warning(tmp_path):
    # An interpreter whose Checkov cannot load its Terraform runner (as when python-hcl2 >= 8
    # shadows bc-python-hcl2): Kubernetes still runs, the .tf files get our rules and a warning.
    wrapper = tmp_path / "python"
    wrapper.write_text(f"#!{checkov_python()} -I\nimport runpy, sys\n"
                       "sys.modules['checkov.terraform.runner'] = None  # import fails\n"
                       "sys.argv = sys.argv[-1:]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n")
    wrapper.chmod(0o755)
    root = FIXTURES / "terraform"
    report = scan(ScanOptions(paths=[str(root / "main.tf")], root=root, jobs=1, engines=("rego", "checkov"),
                              loader_options={"checkov": {"python": str(wrapper)}}))
    assert _failed(report) == [OURS_ROTATION, OURS_SSH]
    assert report.warnings == [
        f"checkov: terraform checks unavailable under {wrapper} (ModuleNotFoundError: import of "
        "checkov.terraform.runner halted; None in sys.modules); 1 file(s) were checked by our rules only. Checkov's "
        "Terraform parser (bc-python-hcl2) installs a module named `hcl2` that clashes with the python-hcl2 "
        "compliance uses: install Checkov in a venv of its own: python -m venv ~/.venvs/checkov && "
        "~/.venvs/checkov/bin/pip install checkov, then pass --checkov-python ~/.venvs/checkov/bin/python (or set "
        "COMPLIANCE_CHECKOV_PYTHON, or checkov_python: in compliance.yaml)"]


# ---- errors: these need no Checkov

def _fake_python(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "fake-python"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def _cli(tmp_path: Path, *args: str):
    shutil.copy(FIXTURES / "terraform" / "main.tf", tmp_path / "main.tf")
    return CliRunner().invoke(app, ["scan", str(tmp_path / "main.tf"), "--root", str(tmp_path), "--engine",
                                    "rego,checkov", *args], terminal_width=400)


def _said(result) -> str:
    return " ".join(result.output.split())


def test_interpreter_missing_exits_2(tmp_path):
    result = _cli(tmp_path, "--checkov-python", str(tmp_path / "nope" / "python"))
    assert result.exit_code == 2
    assert _said(result).startswith(
        f"error: Checkov interpreter not found: {tmp_path / 'nope' / 'python'} (--checkov-python, "
        "COMPLIANCE_CHECKOV_PYTHON or checkov_python:); to make one: python -m venv ~/.venvs/checkov && ")


def test_interpreter_from_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CHECKOV_PYTHON", str(tmp_path / "env-python"))
    result = _cli(tmp_path)
    assert result.exit_code == 2
    assert _said(result).startswith(f"error: Checkov interpreter not found: {tmp_path / 'env-python'} ")


def test_interpreter_not_executable_exits_2(tmp_path):
    plain = tmp_path / "python"
    plain.write_text("")
    plain.chmod(stat.S_IRUSR | stat.S_IWUSR)
    result = _cli(tmp_path, "--checkov-python", str(plain))
    assert result.exit_code == 2
    assert _said(result) == f"error: Checkov interpreter is not executable: {plain}"


def test_checkov_not_importable_says_how_to_install(tmp_path):
    # This Python without its site-packages: the worker runs, `import checkov` fails.
    python = _fake_python(tmp_path, f'exec "{sys.executable}" -S "$@"')
    result = _cli(tmp_path, "--checkov-python", str(python))
    assert result.exit_code == 2
    assert _said(result) == (
        f"error: Checkov cannot be imported by {python} (ModuleNotFoundError: No module named 'checkov'); install "
        f"it there ({python} -m pip install checkov), or: python -m venv ~/.venvs/checkov && "
        "~/.venvs/checkov/bin/pip install checkov, then pass --checkov-python ~/.venvs/checkov/bin/python (or set "
        "COMPLIANCE_CHECKOV_PYTHON, or checkov_python: in compliance.yaml)")


def test_worker_crash_shows_its_stderr_tail(tmp_path):
    lines = "; ".join(f"echo 'line {n}' >&2" for n in range(1, 10))
    python = _fake_python(tmp_path, f"{lines}; echo 'RuntimeError: parser blew up' >&2; exit 1")
    result = _cli(tmp_path, "--checkov-python", str(python))
    assert result.exit_code == 2
    assert _said(result) == (f"error: Checkov failed under {python} (exit 1): line 5 | line 6 | line 7 | line 8 | "
                             "line 9 | RuntimeError: parser blew up")


def test_worker_without_answer_is_an_error(tmp_path):
    python = _fake_python(tmp_path, "echo 'not json'; exit 0")
    with pytest.raises(EngineError, match=rf"^Checkov failed under {python} \(exit 0\): no error output$"):
        checkov_engine.run_worker(str(python), {"terraform": [str(FIXTURES / "terraform" / "main.tf")]})


def test_worker_timeout_kills_it(tmp_path):
    # The worker and a child of its own: both must go when the time is up.
    python = _fake_python(tmp_path, f"sleep 60 & echo $! > {tmp_path / 'child.pid'}; sleep 60")
    started = time.monotonic()
    with pytest.raises(EngineError, match=rf"^Checkov did not finish within 0.5 s \(interpreter {python}\); "
                                          r"raise checkov_timeout in compliance.yaml for a larger tree$"):
        checkov_engine.run_worker(str(python), {"terraform": ["main.tf"]}, timeout=0.5)
    assert time.monotonic() - started < 10
    child = int((tmp_path / "child.pid").read_text())
    for _ in range(50):
        if not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the worker's child outlived the timeout")


def _options_from(config: Path, **kw):
    from compliance.settings import scan_options

    repo = config.parent
    return scan_options([str(repo)], config=config, root=repo, environment=None, policy=[], builtin=True, jobs=1,
                        max_file_size_mib=None, **kw)[0]


def test_config_checkov_python_and_timeout(tmp_path):
    python = _fake_python(tmp_path, "exit 1")  # outside the scanned repository
    repo = tmp_path / "repo"
    repo.mkdir()
    config = repo / "compliance.yaml"
    # A bare name is a command looked up on PATH, not a file beside compliance.yaml.
    config.write_text("engines: [rego, checkov]\ncheckov_python: fake-python\n")
    with pytest.raises(EngineError, match=r"^Checkov interpreter not found: fake-python \(--checkov-python, "):
        _options_from(config)
    # A path is relative to the file.
    config.write_text("engines: [rego, checkov]\ncheckov_python: ../fake-python\ncheckov_timeout: 42\n")
    assert _options_from(config).loader_options["checkov"] == {"python": str(python), "timeout": 42.0}
    # The flag (or COMPLIANCE_CHECKOV_PYTHON, through the flag) wins over the file.
    other = _fake_python(repo, "exit 1")
    assert _options_from(config, checkov_python=str(other)).loader_options["checkov"]["python"] == str(other)


def test_config_checkov_python_inside_the_repository_is_refused(tmp_path):
    # compliance.yaml is part of the scanned repository: a pull request must not be able to make
    # the scan run a program it adds (here a "venv" planted next to the file).
    (tmp_path / ".venv-checkov" / "bin").mkdir(parents=True)
    planted = tmp_path / ".venv-checkov" / "bin" / "python"
    planted.symlink_to(sys.executable)  # resolves outside, but its venv (site-packages) would be the repo's
    config = tmp_path / "compliance.yaml"
    config.write_text("engines: [rego, checkov]\ncheckov_python: .venv-checkov/bin/python\n")
    with pytest.raises(EngineError) as caught:
        _options_from(config)
    assert str(caught.value) == (
        f"{config.as_posix()}: checkov_python {planted} is inside the scanned tree ({tmp_path.as_posix()}); "
        "compliance runs no program from the repository it scans: name an interpreter outside it "
        "(e.g. ~/.venvs/checkov/bin/python), or pass --checkov-python")


def test_config_bad_checkov_timeout_names_file_and_line(tmp_path):
    from compliance.settings import scan_options

    (tmp_path / "compliance.yaml").write_text("engines: [rego]\ncheckov_timeout: soon\n")
    with pytest.raises(InputError, match=rf"^{(tmp_path / 'compliance.yaml').as_posix()}:2: checkov_timeout must "
                                         r"be a positive number of seconds, not 'soon'$"):
        scan_options([str(tmp_path)], config=tmp_path / "compliance.yaml", root=tmp_path, environment=None,
                     policy=[], builtin=True, jobs=1, max_file_size_mib=None)


def test_plan_records_map_to_our_resources_without_checkov(monkeypatch):
    # The parent's half alone, on a worker answer as checkov 3.3.30 gives it for the plan fixture:
    # plan.json lines become the .tf block's, the same problem folds into ours, the rest stays.
    plan = str(FIXTURES / "plan" / "plan.json")

    def record(check_id, name, result, resource, start, end):
        return {"framework": "terraform_plan", "check_id": check_id, "check_name": name, "result": result,
                "resource": resource, "file": plan, "start_line": start, "end_line": end, "guideline": ""}

    answer = {"protocol": 1, "checkov_version": "3.3.30", "parsing_errors": {}, "unavailable": {}, "records": [
        record("CKV2_AWS_5", SG_ATTACHED[7], "FAILED", "aws_security_group.ssh", 23, 48),
        record("CKV_AWS_24", SG_SSH[7], "FAILED", "aws_security_group.ssh", 23, 48),
        record("CKV_AWS_23", "Ensure every security group and rule has a description", "PASSED",
               "aws_security_group.ssh", 23, 48),
        record("CKV_AWS_41", "Ensure no hard coded AWS access key and secret key exists in provider", "PASSED",
               "aws.default", 1, 1),
    ]}
    asked = []
    monkeypatch.setattr(checkov_engine, "run_worker", lambda python, inputs, timeout: asked.append(inputs) or answer)
    root = FIXTURES / "plan"
    report = scan(ScanOptions(paths=[plan], root=root, jobs=1, engines=("rego", "checkov"),
                              loader_options={"checkov": {"python": sys.executable}}))
    assert asked == [{"terraform_plan": [plan]}]
    assert _failed(report) == [OURS_ROTATION, SG_ATTACHED, OURS_SSH]
    assert next(r for r in report.results if r.rule.id == "AWS-030").details == {"corroborated_by": ["CKV_AWS_24"]}
    passed = sorted((_row(r)[:5]) for r in report.results if r.status.value == "pass" and r.rule.engine == "checkov")
    # A provider is no resource of ours: Checkov's result sits on a resource made for it, at its lines.
    assert passed == [("CKV_AWS_23", "aws_security_group.ssh", "main.tf", 6, 18),
                      ("CKV_AWS_41", "aws.default", "plan.json", 1, 1)]
