"""Shared by test_helm.py and test_kustomize.py: find the real helm/kubectl or fail loudly.

CI installs both with scripts/install-render-tools.sh into .tools/bin. Without them
these tests fail (a renderer test that silently passes proves nothing), unless
COMPLIANCE_SKIP_RENDER_TESTS is set, which skips them with that reason.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TOOLS_BIN = REPO / ".tools" / "bin"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def tools_path() -> str:
    """Where compliance looks: PATH, then the interpreter's bin (scripts/setup.sh installs there), .tools/bin."""
    return os.pathsep.join([os.environ.get("PATH", ""), str(Path(sys.executable).parent), str(TOOLS_BIN)])


def require(tool: str) -> str:
    """The tool's path, or skip (COMPLIANCE_SKIP_RENDER_TESTS set) or fail the test."""
    found = shutil.which(tool, path=tools_path())
    if found:
        return found
    if os.environ.get("COMPLIANCE_SKIP_RENDER_TESTS"):
        pytest.skip(f"{tool} not installed and COMPLIANCE_SKIP_RENDER_TESTS is set")
    pytest.fail(f"{tool} not found on PATH or in {TOOLS_BIN}: run scripts/install-render-tools.sh "
                "(or set COMPLIANCE_SKIP_RENDER_TESTS=1 to skip the render tests)", pytrace=False)
    raise AssertionError  # unreachable: pytest.fail raises
