"""Seed corpus for the atheris harnesses: the repository's real documents."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# The working corpus grows as the fuzzer finds new paths: kept outside the repository.
CORPUS = Path(os.environ.get("FUZZ_CORPUS") or Path(tempfile.gettempdir()) / "compliance-fuzz")


def with_seeds(argv: list[str], name: str, seeds: list[Path]) -> list[str]:
    """argv with a corpus directory (seeded with `seeds`) appended unless one is given."""
    if any(not a.startswith("-") for a in argv[1:]):
        return argv  # the caller named its own corpus directories
    directory = CORPUS / name
    directory.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        target = directory / f"seed-{seed.name}"
        if not target.exists():
            shutil.copyfile(seed, target)
    return [*argv, str(directory)]
