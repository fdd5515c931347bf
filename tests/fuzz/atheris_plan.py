"""atheris harness: Terraform plan JSON bytes -> terraform_plan.load_json / load (see README.md).

    /work/venv/bin/python tests/fuzz/atheris_plan.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from _mutate import HCL_SEEDS, PLAN_SEEDS
    from _targets import plan_file

import _corpus

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-plan-"))
(_DIR / "main.tf").write_bytes(HCL_SEEDS[2].read_bytes())  # so declarations are looked up too


def test_one(data: bytes) -> None:
    plan_file(data, _DIR)


if __name__ == "__main__":
    atheris.Setup(_corpus.with_seeds(sys.argv, "plan", PLAN_SEEDS), test_one)
    atheris.Fuzz()
