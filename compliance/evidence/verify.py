"""Verify a bundle: signature, every file's hash and size, no file added or removed, SHA256SUMS,
and the chain link to the previous bundle. Every check says what it found, naming the file."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import signing
from ._files import check_relative, inside, sha256_bytes, sha256_file, walk_files
from .manifest import MANIFEST, SIGNATURE, SUMS, parse_sums, read_manifest


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    message: str


@dataclass(slots=True)
class Verification:
    bundle: Path
    checks: list[Check] = field(default_factory=list)
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, message: str) -> None:
        self.checks.append(Check(name, ok, message))


def verify(bundle: Path, *, key: Path | None = None, previous: Path | None = None,
           allow_unsigned: bool = False) -> Verification:
    """Check a bundle; the outcome lists every check, passed or failed.

    Args:
        bundle: the bundle directory.
        key: the public key (PEM) the signer published; default: the copy inside the bundle, which
            proves integrity but not who signed.
        previous: the previous bundle, to check the chain link.
        allow_unsigned: accept a bundle built without --sign-key.
    """
    outcome = Verification(bundle)
    try:
        manifest, raw = read_manifest(bundle)
    except InputError as exc:
        outcome.add("manifest", False, str(exc))
        return outcome
    outcome.manifest = manifest
    outcome.add("manifest", True, f"{MANIFEST}: bundle {manifest.get('bundle_id')} for {_period(manifest)}")
    _signature(outcome, manifest, raw, key, allow_unsigned)
    _files(outcome, manifest)
    _chain(outcome, manifest, previous)
    return outcome


def _period(manifest: dict) -> str:
    period = manifest.get("period") or {}
    return f"{period.get('label')} ({period.get('start')} to {period.get('end')})"


def _signature(outcome: Verification, manifest: dict, raw: bytes, key: Path | None, allow_unsigned: bool) -> None:
    info = manifest.get("signature")
    sig_path = outcome.bundle / SIGNATURE
    if not info:
        if sig_path.exists():
            outcome.add("signature", False, f"{SIGNATURE} exists but {MANIFEST} records no signature")
        elif allow_unsigned:
            outcome.add("signature", True, "bundle is not signed (accepted: --allow-unsigned)")
        else:
            outcome.add("signature", False, f"bundle is not signed: {MANIFEST} records no signature and there is "
                                            f"no {SIGNATURE} (build with --sign-key, or pass --allow-unsigned)")
        return
    if not sig_path.is_file():
        outcome.add("signature", False, f"{SIGNATURE} is missing")
        return
    try:
        if key is not None:
            public_pem = key.read_bytes()
            where = key.as_posix()
        else:
            bundled = check_relative(str(info.get("public_key", "")))
            public_pem = inside(outcome.bundle, bundled).read_bytes()
            where = bundled
        fingerprint = signing.fingerprint_pem(public_pem)
        valid = signing.verify(public_pem, sig_path.read_bytes(), raw, where=where)
    except (OSError, InputError) as exc:
        message = exc.strerror if isinstance(exc, OSError) else str(exc)
        outcome.add("signature", False, f"cannot check the signature: {message}")
        return
    recorded = info.get("key_fingerprint")
    if not valid:
        hint = "" if recorded == fingerprint else f" (signed by key {recorded}, checked with {fingerprint})"
        outcome.add("signature", False, f"{SIGNATURE} does not verify {MANIFEST} with {where}{hint}: "
                                        f"{MANIFEST} was changed or another key signed it")
        return
    if recorded != fingerprint:
        outcome.add("signature", False, f"{MANIFEST} records key {recorded} but verifies with {fingerprint}")
        return
    trust = "the key given with --key" if key is not None else \
        "the key inside the bundle (integrity only: pass --key with the signer's published key to check who signed)"
    outcome.add("signature", True, f"{MANIFEST} signed by {fingerprint}, verified with {trust}")


def _files(outcome: Verification, manifest: dict) -> None:
    bundle = outcome.bundle
    listed: dict[str, dict] = {}
    for entry in manifest["files"]:
        listed[entry["path"]] = entry
    present, odd = walk_files(bundle)
    for rel in odd:
        outcome.add("files", False, f"{rel}: not a regular file (symlinks and devices are not allowed in a bundle)")
    meta = {MANIFEST, SUMS} | ({SIGNATURE} if manifest.get("signature") else set())
    for rel in sorted(set(present) - set(listed) - meta):
        outcome.add("files", False, f"{rel}: file added (not in {MANIFEST})")
    bad = len(odd)
    for rel, entry in sorted(listed.items()):
        if rel in odd:
            continue  # reported above: a symlink is never followed, whatever it points at
        try:
            path = inside(bundle, rel)
        except InputError as exc:
            outcome.add("files", False, f"{MANIFEST} lists {exc}")
            bad += 1
            continue
        if rel in meta:
            outcome.add("files", False, f"{MANIFEST} lists {rel}, which cannot be in its own manifest")
            bad += 1
        elif not path.is_file() or path.is_symlink():
            outcome.add("files", False, f"{rel}: file missing (listed in {MANIFEST})")
            bad += 1
        else:
            digest, size = sha256_file(path)
            if not hmac.compare_digest(digest, str(entry.get("sha256"))):
                outcome.add("files", False, f"{rel}: SHA-256 mismatch (file changed: {digest}, manifest "
                                            f"{entry.get('sha256')})")
                bad += 1
            elif size != entry.get("size"):
                outcome.add("files", False, f"{rel}: size {size} differs from the manifest's {entry.get('size')}")
                bad += 1
    if not bad:
        outcome.add("files", True, f"{len(listed)} files match their SHA-256 and size")
    _sums(outcome, manifest, listed)


def _sums(outcome: Verification, manifest: dict, listed: dict[str, dict]) -> None:
    path = outcome.bundle / SUMS
    if not path.is_file():
        outcome.add("sha256sums", False, f"{SUMS} is missing")
        return
    data = path.read_bytes()
    if sha256_bytes(data) != manifest.get("sha256sums_sha256"):
        outcome.add("sha256sums", False, f"{SUMS}: SHA-256 differs from sha256sums_sha256 in {MANIFEST}")
        return
    try:
        sums = parse_sums(data.decode("utf-8"))
    except (UnicodeDecodeError, InputError) as exc:
        outcome.add("sha256sums", False, str(exc))
        return
    if sums != {rel: entry.get("sha256") for rel, entry in listed.items()}:
        outcome.add("sha256sums", False, f"{SUMS} does not list the same files and hashes as {MANIFEST}")
        return
    outcome.add("sha256sums", True, f"{SUMS} matches {MANIFEST} ({len(sums)} files)")


def _chain(outcome: Verification, manifest: dict, previous: Path | None) -> None:
    link = manifest.get("previous")
    if previous is None:
        if link:
            outcome.add("chain", True, f"links to bundle {link.get('bundle_id')} (manifest SHA-256 "
                                       f"{link.get('manifest_sha256')}); not checked: give --previous DIR to check it")
        else:
            outcome.add("chain", True, "first bundle of its chain (records no previous bundle)")
        return
    if not link:
        outcome.add("chain", False, f"{MANIFEST} records no previous bundle, but --previous {previous} was given")
        return
    try:
        digest = sha256_bytes((previous / MANIFEST).read_bytes())
    except OSError as exc:
        outcome.add("chain", False, f"{previous / MANIFEST}: cannot read: {exc.strerror or exc}")
        return
    if digest != link.get("manifest_sha256"):
        outcome.add("chain", False, f"chain broken: {previous / MANIFEST} has SHA-256 {digest}, but {MANIFEST} "
                                    f"records {link.get('manifest_sha256')} for the previous bundle")
        return
    outcome.add("chain", True, f"links to {previous} (bundle {link.get('bundle_id')}, manifest SHA-256 {digest})")
