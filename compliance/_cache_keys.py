"""Digests for the results cache's keys (compliance/cache.py): files, trees, tools, the rule library.

A file is hashed by content (SHA-256); a file over --max-file-size, which the loaders refuse, by size
and mtime. A tree is every entry under a directory as discover and the renderers meet it: symlinks by
their target text (never followed), skipped and hidden directories by name only (but a Helm chart's
whole tree, as helm reads it). The installed package and shipped rules are trusted and hashed by
path, size and mtime, which is cheaper than reading them on every run. A scanned file's content hash
may come from the stat index instead of reading it again (trusted_stats says when that is safe).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__

CHART_FILE = "Chart.yaml"
# How long ago a file must have last changed for its stat signature to stand for its content (see
# trusted_stats): above the timestamp granularity of any filesystem in use (FAT: 2 s).
RACY_NS = 3_000_000_000


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def file_digest(path: Path | str, max_bytes: int, stats: dict[str, str] | None = None,
                known: Mapping[str, Sequence[str]] | None = None) -> str:
    """Content hash; a file larger than max_bytes (the loaders refuse it) by size and mtime instead.

    With `stats`, the file's stat signature (size, mtime, ctime, inode) is recorded there, taken before
    reading; when stats is the only thing wanted (`max_bytes` < 0) the signature is returned instead
    of reading the file. With `known` (path -> [signature, digest] from an earlier run, see
    trusted_stats), a file whose signature is unchanged gets its recorded content hash unread.
    """
    try:
        info = os.stat(path)
        signature = f"stat:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"
        if stats is not None:
            stats[str(path)] = signature
        if max_bytes < 0:
            return signature
        if info.st_size > max_bytes:
            return f"big:{info.st_size}:{info.st_mtime_ns}"
        if known is not None:
            recorded = known.get(str(path))
            if recorded is not None and recorded[0] == signature:
                return recorded[1]
        with open(path, "rb") as stream:
            return sha(stream.read())
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def trusted_stats(stats: Mapping[str, str], digests: Mapping[str, str], *, before_ns: int) -> dict[str, list[str]]:
    """path -> [signature, content hash] for the files whose signature can stand for their content later.

    A write changes a file's ctime (which, unlike mtime, cannot be set back), so an unchanged
    signature means unchanged content, except for a write within the same timestamp tick as the
    recorded one. Only files last changed more than RACY_NS before `before_ns` (when the walk that
    hashed them began) are kept: any later write then has a later ctime, on filesystems whose
    timestamps are at least 2 s fine and whose clock is this machine's (a network filesystem whose
    server clock runs seconds behind weakens this to "two writes within one timestamp tick"). The
    rest are hashed again next time, as is any file whose signature differs.
    """
    out: dict[str, list[str]] = {}
    limit = before_ns - RACY_NS
    for path, signature in stats.items():
        digest = digests.get(path)
        if digest is None or len(digest) != 64 or ":" in digest:  # content hashes only (not big:, unreadable:)
            continue
        _, _size, mtime, ctime, _ino = signature.split(":")
        if int(mtime) < limit and int(ctime) < limit:
            out[path] = [signature, digest]
    return out


def tree_digests(top: Path | str, out: dict[str, str], max_bytes: int, *, chart: bool = False,
                  stats: dict[str, str] | None = None, known: Mapping[str, Sequence[str]] | None = None) -> None:
    """Every entry under top, as discover and the renderers would meet it (symlinks not followed)."""
    from .discover import SKIPPED_DIRS

    try:
        with os.scandir(top) as found:
            entries = sorted(found, key=lambda e: e.name)
    except OSError as exc:
        out[str(top)] = f"unreadable:{exc.errno}"
        return
    for entry in entries:
        path = entry.path
        if entry.is_symlink():
            out[path] = f"link:{os.readlink(path)}"
        elif entry.is_dir(follow_symlinks=False):
            # discover enters neither skipped nor hidden directories, but helm reads a chart's whole tree.
            name = entry.name
            if name == ".git" or (not chart and (name in SKIPPED_DIRS or name.startswith("."))):
                out[path] = "dir"
            else:
                tree_digests(path, out, max_bytes, chart=chart or os.path.isfile(os.path.join(path, CHART_FILE)),
                             stats=stats, known=known)
        elif entry.is_file(follow_symlinks=False):
            out[path] = file_digest(path, max_bytes, stats, known)
        else:
            out[path] = "other"


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
    """Shipped, trusted files by path, size and mtime: cheaper than reading them on every run.

    The rows of an os.walk in sorted order without __pycache__ (symlinked directories not entered),
    read with scandir: the path joins and os.stat calls of os.walk cost twice as much (~570 rego files).
    """
    rows: list[tuple[str, int, int]] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            return  # as os.walk: an unreadable directory adds nothing
        dirs = []
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__":
                    dirs.append(entry)
            elif entry.name.endswith(suffix):
                info = entry.stat()
                rows.append((prefix + entry.name, info.st_size, info.st_mtime_ns))
        for entry in dirs:
            if not entry.is_symlink():
                walk(entry.path, prefix + entry.name + os.sep)

    walk(str(top), "")
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
