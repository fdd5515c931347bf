"""Canonical JSON, hashing and safe paths: the byte-level rules every bundle file follows.

All JSON is canonical (sorted keys, UTF-8, two-space indent, final newline) and
JSON Lines have one compact sorted object per line, so the same content always
gives the same bytes and the same SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..errors import InputError

CHUNK = 1 << 20

MEDIA_TYPES = {
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".html": "text/html",
    ".sarif": "application/sarif+json",
    ".pem": "application/x-pem-file",
    ".sig": "application/octet-stream",
}


def dumps(value: object) -> str:
    """Canonical, human-readable JSON text with a final newline."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def dumps_lines(rows: Iterable[object]) -> str:
    """JSON Lines: one compact object per line, keys sorted."""
    return "".join(json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for row in rows)


def canonical_hash(value: object) -> str:
    """SHA-256 of a value's compact canonical JSON: a content hash that ignores layout."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return sha256_bytes(text.encode("utf-8"))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def media_type(path: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(path).suffix, "text/plain")


def check_relative(rel: str) -> str:
    """A bundle path as written in a manifest: relative, posix, no '..', no drive, no control characters.

    Raises:
        InputError: the path could point outside the bundle.
    """
    if not rel or rel.startswith(("/", "\\")) or "\\" in rel or ":" in rel:
        raise InputError(f"{rel!r}: not a relative bundle path")
    parts = PurePosixPath(rel).parts
    if any(part in ("..", ".", "") for part in parts) or any(ord(c) < 32 for c in rel):
        raise InputError(f"{rel!r}: path escapes the bundle")
    return rel


def inside(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that resolves outside root (symlinks included).

    Raises:
        InputError: rel is not a plain relative path, or resolves outside root.
    """
    check_relative(rel)
    target = root / rel
    base = root.resolve()
    resolved = target.resolve()
    if resolved != base and base not in resolved.parents:
        raise InputError(f"{rel}: path escapes the bundle")
    return target


def walk_files(root: Path) -> tuple[list[str], list[str]]:
    """Every regular file under root as a relative posix path, and every other entry (symlink, device).

    Symlinks are never followed: a bundle holds plain files only.
    """
    files: list[str] = []
    odd: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():
                odd.append((here / name).relative_to(root).as_posix())
                dirnames.remove(name)
        for name in filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            (files if path.is_file() and not path.is_symlink() else odd).append(rel)
    return sorted(files), sorted(odd)
