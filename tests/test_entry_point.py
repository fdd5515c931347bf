"""The console entry point (`compliance`, `python -m compliance`) leaves with the app's exit
code and everything written, though it skips the interpreter's teardown (cli.run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import write

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - {name: app, image: nginx}
"""


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_exit_codes_and_streams_survive_the_fast_exit(tmp_path):
    write(tmp_path, "k8s/pod.yaml", POD)
    version = _run("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.strip().split()[0]) == (0, "compliance")

    wrong = _run("scan", "--bogus", cwd=tmp_path)
    assert wrong.returncode == 2 and "No such option: --bogus" in wrong.stderr

    found = _run("scan", "k8s", "--format", "json", "--jobs", "1", cwd=tmp_path)
    assert found.returncode == 1  # failures at or above low
    report = json.loads(found.stdout)  # the whole report reached the pipe before the process left
    assert sorted({r["rule_id"] for r in report["results"] if r["status"] == "fail"}) == [
        "K8S-005", "K8S-006", "K8S-007", "K8S-008", "K8S-009", "K8S-010", "K8S-011", "K8S-012", "K8S-020",
        "K8S-023", "K8S-024", "K8S-025", "K8S-027", "K8S-028", "K8S-029", "K8S-041", "K8S-050"]
    assert report["summary"]["failed"] == 17
    assert {r["file"] for r in report["results"]} == {"k8s/pod.yaml"}

    soft = _run("scan", "k8s", "--format", "sarif=out.sarif", "--soft-fail", cwd=tmp_path)
    assert (soft.returncode, soft.stderr) == (0, "wrote out.sarif: 17 failed, 18 passed, 0 unreadable files\n")
    sarif_results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert sorted({r["ruleId"] for r in sarif_results}) == sorted({r["rule_id"] for r in report["results"]
                                                                  if r["status"] == "fail"})
