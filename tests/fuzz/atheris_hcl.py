"""atheris harness: `.tf` bytes -> terraform_hcl.load on a one-file directory (see README.md).

    /work/venv/bin/python tests/fuzz/atheris_hcl.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from _mutate import HCL_SEEDS
    from _targets import hcl_dir

import _corpus

_DIR = Path(tempfile.mkdtemp(prefix="fuzz-hcl-"))


def test_one(data: bytes) -> None:
    hcl_dir(data, _DIR)


if __name__ == "__main__":
    atheris.Setup(_corpus.with_seeds(sys.argv, "hcl", HCL_SEEDS), test_one)
    atheris.Fuzz()
