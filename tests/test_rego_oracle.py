"""The Rego library decides identically under regorus (what scans use) and real OPA.

Both the `_test.rego` suites and every fixture decision are compared. Each
engine runs in a process of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REGO = REPO / "rego"

try:
    import opa_bindings  # noqa: F401
except ImportError:  # pragma: no cover - CI installs it (scripts/setup.sh)
    pytest.fail("opa-golib-python-bindings is not installed: run scripts/setup.sh", pytrace=False)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=REPO, timeout=600)


def test_policy_tests_pass_under_both_engines():
    outputs = {}
    for engine in ("regorus", "opa"):
        done = _run("-m", "compliance", "policy", "test", str(REGO), "--engine", engine, "-v")
        assert done.returncode == 0, done.stdout + done.stderr
        outputs[engine] = sorted(line for line in done.stdout.splitlines() if line.startswith("PASS: "))
    assert outputs["regorus"] == outputs["opa"]
    assert len(outputs["opa"]) > 100


def test_fixture_decisions_identical_under_opa():
    decided = {}
    for engine in ("regorus", "opa"):
        done = _run(str(REPO / "tests" / "opa_oracle.py"), str(REGO), engine)
        assert done.returncode == 0, done.stderr
        decided[engine] = json.loads(done.stdout)
    assert decided["regorus"] == decided["opa"]
    assert any(v for per_rule in decided["opa"].values() for v in per_rule.values())
