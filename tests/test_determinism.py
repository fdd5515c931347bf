"""Same inputs, same bytes: whatever the hash seed, file creation order or worker count."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "payment-platform"


def _copy(source: Path, target: Path, *, reverse: bool) -> None:
    # Files created in the opposite order give a different directory order on disk.
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for file in reversed(files) if reverse else files:
        dest = target / file.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, dest)


def _scan(tree: Path, out: Path, seed: str, jobs: str) -> dict[str, bytes]:
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "compliance", "scan", ".", "--soft-fail", "--jobs", jobs,
         "--format", f"json={out / 'r.json'}", "--format", f"sarif={out / 'r.sarif'}",
         "--format", f"junit={out / 'r.xml'}", "--format", f"markdown={out / 'r.md'}"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_outputs_are_byte_identical(tmp_path):
    tree = tmp_path / "platform"  # the same place both times: SARIF records the absolute root
    _copy(EXAMPLE, tree, reverse=False)
    one = _scan(tree, tmp_path / "out1", seed="1", jobs="1")
    shutil.rmtree(tree)
    _copy(EXAMPLE, tree, reverse=True)
    two = _scan(tree, tmp_path / "out2", seed="4242", jobs="2")
    assert sorted(one) == ["r.json", "r.md", "r.sarif", "r.xml"]
    for name in one:
        assert one[name] == two[name], f"{name} differs between runs"
