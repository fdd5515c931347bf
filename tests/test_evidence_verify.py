"""compliance evidence verify: every kind of tampering fails with exit 1 and names the file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_evidence_build import build, chdir, invoke, keygen, make_tree
from typer.testing import CliRunner

from compliance.cli import app
from compliance.evidence import signing

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A signed Q3 bundle and a Q4 bundle chained to it, and the key pair."""
    keys = keygen(tmp_path_factory.mktemp("keys"))
    root = make_tree(tmp_path_factory.mktemp("repo"))
    assert invoke(root, "evidence", "build", "app", "--period", "2026-Q3", "--out", "q3", "--jobs", "1",
                  "--sign-key", str(keys[0])).exit_code == 0
    result = build(root, Path("q4"), "--previous", "q3", key=keys[0])
    assert result.exit_code == 0, result.output
    return root, keys


@pytest.fixture
def bundle(built, tmp_path):
    """A fresh copy of the Q4 bundle (and Q3 beside it) for each test to tamper with."""
    root, keys = built
    shutil.copytree(root / "q3", tmp_path / "q3")
    shutil.copytree(root / "q4", tmp_path / "q4")
    return tmp_path, keys


def verify(cwd: Path, *args: str):
    with chdir(cwd):
        return runner.invoke(app, ["evidence", "verify", *args])


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL")]


def test_evidence_verify_intact_bundle(bundle):
    cwd, keys = bundle
    manifest = json.loads((cwd / "q4/manifest.json").read_text())
    count = len(manifest["files"])
    result = verify(cwd, "q4", "--key", str(keys[1]), "--previous", "q3")
    assert result.exit_code == 0, result.output
    previous = manifest["previous"]
    assert result.output.splitlines() == [
        f"ok   manifest: manifest.json: bundle {manifest['bundle_id']} for 2026-Q4 (2026-10-01 to 2026-12-31)",
        f"ok   signature: manifest.json signed by {keys[2]}, verified with the key given with --key",
        f"ok   files: {count} files match their SHA-256 and size",
        f"ok   sha256sums: SHA256SUMS matches manifest.json ({count} files)",
        f"ok   chain: links to q3 (bundle {previous['bundle_id']}, manifest SHA-256 {previous['manifest_sha256']})",
        "verified: q4",
    ]


def test_evidence_verify_without_key_or_previous_says_what_it_did_not_check(bundle):
    cwd, keys = bundle
    result = verify(cwd, "q4")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1] == (f"ok   signature: manifest.json signed by {keys[2]}, verified with the key inside the bundle "
                        "(integrity only: pass --key with the signer's published key to check who signed)")
    assert lines[4].startswith("ok   chain: links to bundle 2026-Q3-") and lines[4].endswith(
        "not checked: give --previous DIR to check it")


def test_evidence_verify_one_changed_byte(bundle):
    cwd, keys = bundle
    path = cwd / "q4/results/results.jsonl"
    data = bytearray(path.read_bytes())
    data[10] ^= 0x01
    path.write_bytes(bytes(data))
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    [failure] = failures(result.output)
    assert failure.startswith("FAIL files: results/results.jsonl: SHA-256 mismatch (file changed: ")
    assert result.output.splitlines()[-1] == "verification failed: 1 problem(s) in q4"


def test_evidence_verify_removed_file(bundle):
    cwd, keys = bundle
    (cwd / "q4/scope/inventory.jsonl").unlink()
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == ["FAIL files: scope/inventory.jsonl: file missing (listed in manifest.json)"]


def test_evidence_verify_added_file(bundle):
    cwd, keys = bundle
    (cwd / "q4/results/extra.jsonl").write_text("{}\n")
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == ["FAIL files: results/extra.jsonl: file added (not in manifest.json)"]


def test_evidence_verify_wrong_key(bundle, tmp_path_factory):
    cwd, keys = bundle
    _, other_public, other_fingerprint = keygen(tmp_path_factory.mktemp("other"))
    result = verify(cwd, "q4", "--key", str(other_public))
    assert result.exit_code == 1
    assert failures(result.output) == [
        f"FAIL signature: manifest.json.sig does not verify manifest.json with {other_public} (signed by key "
        f"{keys[2]}, checked with {other_fingerprint}): manifest.json was changed or another key signed it"]


def test_evidence_verify_rewritten_manifest_and_sums(bundle):
    """An attacker who edits a file and recomputes SHA256SUMS and manifest.json still breaks the signature."""
    cwd, keys = bundle
    q4 = cwd / "q4"
    import hashlib

    (q4 / "report.md").write_text("all controls pass\n")
    manifest = json.loads((q4 / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (q4 / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in manifest["files"]).encode()
    (q4 / "SHA256SUMS").write_bytes(sums)
    manifest["sha256sums_sha256"] = hashlib.sha256(sums).hexdigest()
    (q4 / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == [
        f"FAIL signature: manifest.json.sig does not verify manifest.json with {keys[1]}: "
        "manifest.json was changed or another key signed it"]


def test_evidence_verify_broken_chain(bundle, built):
    cwd, keys = bundle
    # Another Q3 bundle (rebuilt): a different manifest than the one Q4 was chained to.
    (cwd / "q3/manifest.json").write_bytes((cwd / "q3/manifest.json").read_bytes().replace(b'"generated_at": "',
                                                                                           b'"generated_at":  "'))
    result = verify(cwd, "q4", "--key", str(keys[1]), "--previous", "q3")
    assert result.exit_code == 1
    [failure] = failures(result.output)
    recorded = json.loads((cwd / "q4/manifest.json").read_text())["previous"]["manifest_sha256"]
    assert failure.startswith("FAIL chain: chain broken: q3/manifest.json has SHA-256 ")
    assert failure.endswith(f"but manifest.json records {recorded} for the previous bundle")


def test_evidence_verify_first_bundle_given_a_previous(bundle):
    cwd, keys = bundle
    result = verify(cwd, "q3", "--key", str(keys[1]), "--previous", "q4")
    assert result.exit_code == 1
    assert failures(result.output) == [
        "FAIL chain: manifest.json records no previous bundle, but --previous q4 was given"]


def test_evidence_verify_unsigned_bundle(tmp_path):
    root = make_tree(tmp_path)
    assert build(root, Path("ev")).exit_code == 0
    refused = verify(root, "ev")
    assert refused.exit_code == 1
    assert failures(refused.output) == [
        "FAIL signature: bundle is not signed: manifest.json records no signature and there is no manifest.json.sig "
        "(build with --sign-key, or pass --allow-unsigned)"]
    assert verify(root, "ev", "--allow-unsigned").exit_code == 0


def test_evidence_verify_removed_signature(bundle):
    cwd, keys = bundle
    (cwd / "q4/manifest.json.sig").unlink()
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == ["FAIL signature: manifest.json.sig is missing"]


def test_evidence_verify_rejects_paths_escaping_the_bundle(bundle):
    """Even a validly signed manifest may not point outside the bundle."""
    cwd, keys = bundle
    q4 = cwd / "q4"
    (cwd / "outside.txt").write_text("x")
    manifest = json.loads((q4 / "manifest.json").read_text())
    manifest["files"].append({"path": "../outside.txt", "sha256": "0" * 64, "size": 1})
    text = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (q4 / "manifest.json").write_bytes(text)
    (q4 / "manifest.json.sig").write_bytes(signing.sign(signing.load_private(keys[0]), text))
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == ["FAIL manifest: '../outside.txt': path escapes the bundle"]


def test_evidence_verify_rejects_symlinks(bundle):
    cwd, keys = bundle
    (cwd / "q4/report.md").unlink()
    os.symlink(cwd / "q3/report.md", cwd / "q4/report.md")
    result = verify(cwd, "q4", "--key", str(keys[1]))
    assert result.exit_code == 1
    assert failures(result.output) == [
        "FAIL files: report.md: not a regular file (symlinks and devices are not allowed in a bundle)"]


def test_evidence_verify_usage_errors(tmp_path):
    missing = verify(tmp_path, "nowhere")
    assert missing.exit_code == 2 and "nowhere: no such bundle directory" in missing.output
    (tmp_path / "empty").mkdir()
    empty = verify(tmp_path, "empty")
    assert empty.exit_code == 1
    assert failures(empty.output) == ["FAIL manifest: empty/manifest.json: cannot read: No such file or directory"]
    nokey = verify(tmp_path, "empty", "--key", "missing.pem")
    assert nokey.exit_code == 2 and "missing.pem: no such public key file" in nokey.output
