"""Ed25519 signing of manifest.json: key pairs, detached raw signatures, fingerprints.

The signature file holds the raw 64-byte Ed25519 signature over the exact bytes
of manifest.json, so stock OpenSSL (3.0+) verifies it with no copy of this tool:

    openssl pkeyutl -verify -pubin -inkey keys/signing-key.pub.pem -rawin \\
        -in manifest.json -sigfile manifest.json.sig

Keys are PEM: the private key PKCS#8 (optionally encrypted), the public key
SubjectPublicKeyInfo. A key's fingerprint is the SHA-256 of the DER public key,
which `openssl pkey -pubin -in KEY.pub.pem -outform DER | sha256sum` reproduces.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

ALGORITHM = "Ed25519"
PASSPHRASE_ENV = "COMPLIANCE_SIGNING_KEY_PASSPHRASE"


@dataclass(frozen=True, slots=True)
class KeyPair:
    private_pem: bytes
    public_pem: bytes
    fingerprint: str


def _serialization():
    # cryptography is imported only when signing or verifying (keeps `compliance --help` fast).
    from cryptography.hazmat.primitives import serialization

    return serialization


def generate(*, passphrase: bytes | None = None) -> KeyPair:
    """A new Ed25519 key pair as PEM bytes, with the public key's fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    s = _serialization()
    key = Ed25519PrivateKey.generate()
    encryption = s.BestAvailableEncryption(passphrase) if passphrase else s.NoEncryption()
    private_pem = key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8, encryption)
    public_pem = public_pem_of(key.public_key())
    return KeyPair(private_pem, public_pem, fingerprint_pem(public_pem))


def public_pem_of(public_key) -> bytes:
    s = _serialization()
    return public_key.public_bytes(s.Encoding.PEM, s.PublicFormat.SubjectPublicKeyInfo)


def load_private(path: Path):
    """The Ed25519 private key in a PEM file (passphrase from $COMPLIANCE_SIGNING_KEY_PASSPHRASE).

    Raises:
        InputError: the file is unreadable, not a PEM private key, encrypted without a
            passphrase, or not Ed25519.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    data = _read(path, "signing key")
    passphrase = os.environ.get(PASSPHRASE_ENV)
    try:
        key = _serialization().load_pem_private_key(data, password=passphrase.encode() if passphrase else None)
    except TypeError:
        raise InputError(f"{path}: the signing key is encrypted; set {PASSPHRASE_ENV}") from None
    except ValueError as exc:
        raise InputError(f"{path}: not a usable PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path}: the signing key must be Ed25519, got {type(key).__name__}")
    return key


def load_public(data: bytes, *, where: str):
    """The Ed25519 public key in PEM bytes.

    Raises:
        InputError: not a PEM public key, or not Ed25519.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = _serialization().load_pem_public_key(data)
    except ValueError as exc:
        raise InputError(f"{where}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(f"{where}: the public key must be Ed25519, got {type(key).__name__}")
    return key


def fingerprint_pem(public_pem: bytes) -> str:
    """SHA256:<hex> of the DER SubjectPublicKeyInfo."""
    s = _serialization()
    key = load_public(public_pem, where="public key")
    der = key.public_bytes(s.Encoding.DER, s.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + hashlib.sha256(der).hexdigest()


def sign(private_key, message: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature of message."""
    return private_key.sign(message)


def verify(public_pem: bytes, signature: bytes, message: bytes, *, where: str) -> bool:
    """Whether signature is a valid Ed25519 signature of message under the public key.

    Raises:
        InputError: the public key cannot be read.
    """
    from cryptography.exceptions import InvalidSignature

    key = load_public(public_pem, where=where)
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def write_pair(pair: KeyPair, private_path: Path, public_path: Path, *, force: bool) -> None:
    """Write the pair; the private key is created mode 0600 and never overwritten without force.

    Raises:
        InputError: a file exists and force is not set, or cannot be written.
    """
    for path in (private_path, public_path):
        # A dangling symbolic link counts as existing: writing through it would create its target.
        if (path.exists() or path.is_symlink()) and not force:
            raise InputError(f"{path} exists; use --force to replace it")
    try:
        private_path.parent.mkdir(parents=True, exist_ok=True)
        if private_path.exists() or private_path.is_symlink():
            private_path.unlink()
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pair.private_pem)
        public_path.parent.mkdir(parents=True, exist_ok=True)
        if public_path.exists() or public_path.is_symlink():
            public_path.unlink()  # replace a link, never write through it
        public_path.write_bytes(pair.public_pem)
    except OSError as exc:
        raise InputError(f"cannot write key: {exc}") from None


def _read(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
