"""Digests for the results cache's keys (compliance/cache.py): files, trees, tools, the rule library.

A file is hashed by content (SHA-256); a file over --max-file-size, which the loaders refuse, by size
and mtime. A tree is every entry under a directory as discover and the renderers meet it: symlinks by
their target text (never followed), skipped and hidden directories by name only (but a Helm chart's
whole tree, as helm reads it). The installed package and shipped rules are trusted and hashed by
path, size and mtime, which is cheaper than reading them on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__

CHART_FILE = "Chart.yaml"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def file_digest(path: Path, max_bytes: int, stats: dict[str, str] | None = None) -> str:
    """Content hash; a file larger than max_bytes (the loaders refuse it) by size and mtime instead.

    With `stats`, the file's size and mtime are recorded there (taken before reading) or, when stats is
    the only thing wanted (`max_bytes` < 0), returned instead of reading the file.
    """
    try:
        info = path.stat()
        signature = f"stat:{info.st_size}:{info.st_mtime_ns}"
        if stats is not None:
            stats[str(path)] = signature
        if max_bytes < 0:
            return signature
        if info.st_size > max_bytes:
            return f"big:{info.st_size}:{info.st_mtime_ns}"
        return sha(path.read_bytes())
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def tree_digests(top: Path, out: dict[str, str], max_bytes: int, *, chart: bool = False,
                  stats: dict[str, str] | None = None) -> None:
    """Every entry under top, as discover and the renderers would meet it (symlinks not followed)."""
    from .discover import SKIPPED_DIRS

    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError as exc:
        out[str(top)] = f"unreadable:{exc.errno}"
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            out[entry.path] = f"link:{os.readlink(entry.path)}"
        elif entry.is_dir(follow_symlinks=False):
            # discover enters neither skipped nor hidden directories, but helm reads a chart's whole tree.
            if entry.name == ".git" or (not chart and (entry.name in SKIPPED_DIRS or entry.name.startswith("."))):
                out[entry.path] = "dir"
            else:
                tree_digests(path, out, max_bytes, chart=chart or (path / CHART_FILE).is_file(), stats=stats)
        elif entry.is_file(follow_symlinks=False):
            out[entry.path] = file_digest(path, max_bytes, stats)
        else:
            out[entry.path] = "other"


def recheck(path: Path, recorded: str, max_bytes: int) -> str:
    """The digest a path has now, in the form it was recorded (directory, symlink or file)."""
    if path.is_symlink():
        return f"link:{os.readlink(path)}"
    if recorded == "dir":
        return "dir" if path.is_dir() else "missing"
    if recorded == "other":
        return "other" if path.exists() and not path.is_file() and not path.is_dir() else "changed"
    return file_digest(path, max_bytes)


def tool_identity(name: str, *, untrusted: Path | None) -> str | None:
    """Which renderer binary a loader would run, and its size and mtime (an upgrade changes them)."""
    from .loaders import _render

    found = _render.find_tool(name, untrusted=untrusted)
    if found is None:
        return None
    try:
        info = found.resolve().stat()
    except OSError:
        return None
    return f"{found}:{info.st_size}:{info.st_mtime_ns}"


def versions() -> dict[str, str]:
    """compliance, Python, and the installed regorus and PyYAML distributions (by their dist-info names:
    importlib.metadata would cost more than the rest of a cached run's key)."""
    import yaml

    out = {"compliance": __version__, "python": sys.version.split()[0]}
    site = Path(yaml.__file__).resolve().parent.parent
    try:
        names = os.listdir(site)
    except OSError:
        names = []
    out["dists"] = ",".join(sorted(n for n in names if n.lower().startswith(("gordon_to_regorus-", "pyyaml-"))))
    return out


def stat_digest(top: Path, suffix: str = "") -> str:
    """Shipped, trusted files by path, size and mtime: cheaper than reading them on every run."""
    rows = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(suffix):
                info = os.stat(os.path.join(folder, name))
                rows.append((os.path.relpath(os.path.join(folder, name), top), info.st_size, info.st_mtime_ns))
    return sha(canonical(rows).encode())


def content_digest(paths: Iterable[Path], max_bytes: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in paths:
        path = Path(path).absolute()
        if path.is_dir():
            tree_digests(path, out, max_bytes, chart=True)
        else:
            out[str(path)] = file_digest(path, max_bytes)
    return out
