"""manifest.json and SHA256SUMS: every content file with its hash and size, and what produced them.

The signature covers manifest.json; manifest.json holds the SHA-256 of SHA256SUMS and of
every file, so one signature protects the whole bundle. `sha256sum -c SHA256SUMS`
checks the files with no copy of this tool.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ._files import check_relative, dumps

SCHEMA = "compliance/evidence-manifest/v1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SIGNATURE = "manifest.json.sig"
PUBLIC_KEY = "keys/signing-key.pub.pem"
# Files that describe the others and so cannot be listed in the manifest themselves.
META_FILES = (MANIFEST, SUMS, SIGNATURE)


def sums_text(files: dict[str, tuple[str, int, str]]) -> str:
    """coreutils format: '<sha256>  <path>' per line, sorted by path."""
    return "".join(f"{files[path][0]}  {path}\n" for path in sorted(files))


def parse_sums(text: str) -> dict[str, str]:
    """path -> sha256 from SHA256SUMS text.

    Raises:
        InputError: a line is not '<64 hex>  <path>' (the message names the line).
    """
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise InputError(f"{SUMS}:{number}: not a '<sha256>  <path>' line")
        out[path] = digest
    return out


def manifest_text(*, header: dict, files: dict[str, tuple[str, int, str]], sums_sha256: str) -> str:
    document = dict(header)
    document["schema"] = SCHEMA
    document["files"] = [{"path": p, "sha256": files[p][0], "size": files[p][1], "media_type": files[p][2]}
                         for p in sorted(files)]
    document["sha256sums_sha256"] = sums_sha256
    return dumps(document)


def read_manifest(bundle: Path) -> tuple[dict, bytes]:
    """The manifest of a bundle and its exact bytes.

    Raises:
        InputError: missing, unreadable, not JSON, or not a bundle manifest; file entries with unsafe paths.
    """
    path = bundle / MANIFEST
    if not bundle.is_dir():
        raise InputError(f"{bundle}: not a directory")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InputError(f"{path}: not an evidence bundle manifest (schema {SCHEMA})")
    files = document.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) and isinstance(f.get("path"), str)
                                              for f in files):
        raise InputError(f"{path}: 'files' must be a list of {{path, sha256, size}}")
    for entry in files:
        check_relative(entry["path"])
    return document, raw
