"""Writing safely: every file lands exactly where the user said, never through a link.

Decisions tested here: scan reports (-o, --format FORMAT=FILE) and --create-baseline
overwrite an existing file (CI re-runs write them every time), atomically, and a
symbolic link at the path is replaced, never followed; `compliance init` and
`evidence keygen` refuse an existing file, or a dangling link, without --force.
"""

from __future__ import annotations

import json
import os
import stat

import pytest
from helpers import write
from typer.testing import CliRunner

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


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    write(root, "k8s/pod.yaml", PRIVILEGED)
    monkeypatch.chdir(root)
    return root


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_scan_writes_exactly_the_files_named_and_nothing_else(repo):
    before = _files(repo)
    result = invoke("scan", "k8s", "--format", "json", "-o", "out.json", "--format", "sarif=reports.sarif",
                    "--create-baseline", "baseline.json")
    assert result.exit_code == 1, result.output
    assert _files(repo) == sorted([*before, "baseline.json", "out.json", "reports.sarif"])
    assert json.loads((repo / "out.json").read_text())["schema"]
    assert json.loads((repo / "reports.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((repo / "baseline.json").read_text())["schema"] == "compliance/baseline/v1"


@pytest.mark.parametrize("option", [("-o", "out.json"), ("--format", "json=out.json")])
def test_scan_report_overwrites_an_existing_report(repo, option):
    # Decision: CI re-runs write the same report file every time; no --force needed.
    (repo / "out.json").write_text("old report\n")
    os.chmod(repo / "out.json", 0o640)
    args = ["scan", "k8s", *option] if option[0] == "--format" else ["scan", "k8s", "--format", "json", *option]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    report = json.loads((repo / "out.json").read_text())
    failed = {(r["rule_id"], r["resource"]["id"], r["file"], r["line"]) for r in report["results"]
              if r["status"] == "fail"}
    assert ("K8S-001", "Pod/ns/bad", "k8s/pod.yaml", 8) in failed
    assert stat.S_IMODE((repo / "out.json").stat().st_mode) == 0o640  # the existing file's mode is kept
    assert not [p for p in os.listdir(repo) if p.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ("--format", "json", "-o", "out.json"), ("--format", "sarif=out.json"), ("--create-baseline", "out.json")])
def test_scan_replaces_a_symlink_at_the_output_path_never_follows_it(repo, tmp_path, args):
    # A link planted in a scanned pull request must not redirect the write outside the repository.
    outside = tmp_path / "outside.txt"
    outside.write_text("do not touch\n")
    (repo / "out.json").symlink_to(outside)
    result = invoke("scan", "k8s", *args)
    assert result.exit_code == 1, result.output
    assert outside.read_text() == "do not touch\n"
    assert not (repo / "out.json").is_symlink()
    assert json.loads((repo / "out.json").read_text())


def test_scan_does_not_create_the_target_of_a_dangling_symlink(repo, tmp_path):
    target = tmp_path / "created-outside.json"
    (repo / "out.json").symlink_to(target)
    assert invoke("scan", "k8s", "--format", "json", "-o", "out.json").exit_code == 1
    assert not target.exists()
    assert (repo / "out.json").is_file() and not (repo / "out.json").is_symlink()


@pytest.mark.parametrize("args, message", [
    (("--format", "json", "-o", "missing/out.json"), "cannot write missing/out.json: No such file or directory"),
    (("--format", "json", "-o", "k8s"), "cannot write k8s: Is a directory"),
    (("--create-baseline", "missing/b.json"), "cannot write baseline missing/b.json: No such file or directory"),
])
def test_unwritable_output_is_a_clear_error_not_a_traceback(repo, args, message):
    result = invoke("scan", "k8s", *args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (repo / "missing").exists()
    assert _files(repo / "k8s") == ["pod.yaml"]


def test_create_baseline_overwrites_and_the_new_one_is_used(repo):
    (repo / "baseline.json").write_text('{"schema": "compliance/baseline/v1", "findings": []}\n')
    assert invoke("scan", "k8s", "--create-baseline", "baseline.json").exit_code == 1
    findings = json.loads((repo / "baseline.json").read_text())["findings"]
    assert findings and all(f["file"] == "k8s/pod.yaml" for f in findings)
    assert invoke("scan", "k8s", "--baseline", "baseline.json").exit_code == 0


def test_init_refuses_an_existing_file_and_a_dangling_link_without_force(repo, tmp_path):
    (repo / "compliance.yaml").write_text("mine: true\n")
    result = invoke("init")
    assert result.exit_code == 2
    assert "compliance.yaml exists; use --force to overwrite it" in result.output
    assert (repo / "compliance.yaml").read_text() == "mine: true\n"

    target = tmp_path / "outside.yaml"
    (repo / "other.yaml").symlink_to(target)
    result = invoke("init", "other.yaml")
    assert result.exit_code == 2
    assert "other.yaml exists; use --force to overwrite it" in result.output
    assert not target.exists()

    assert invoke("init", "other.yaml", "--force").exit_code == 0
    assert not target.exists()  # the link is replaced by the file, its target never created
    assert (repo / "other.yaml").is_file() and not (repo / "other.yaml").is_symlink()


def test_keygen_does_not_write_through_links(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    outside = tmp_path / "outside.pem"
    (keys / "evidence.pub.pem").symlink_to(outside)  # dangling
    result = invoke("evidence", "keygen", "--out", keys, "--name", "evidence")
    assert result.exit_code == 2
    assert "evidence.pub.pem exists; use --force to replace it" in " ".join(result.output.split())
    assert not outside.exists() and not (keys / "evidence.pem").exists()

    outside.write_text("do not touch\n")
    assert invoke("evidence", "keygen", "--out", keys, "--name", "evidence", "--force").exit_code == 0
    assert outside.read_text() == "do not touch\n"
    assert not (keys / "evidence.pub.pem").is_symlink()
    assert (keys / "evidence.pub.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert stat.S_IMODE((keys / "evidence.pem").stat().st_mode) == 0o600
