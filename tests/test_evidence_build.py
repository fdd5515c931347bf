"""compliance evidence build: layout, manifest, results, inventory, waivers, secrets, determinism, chain."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from compliance.cli import app
from compliance.errors import InputError
from compliance.evidence import parse_period
from compliance.evidence._files import canonical_hash

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()

# Planted in the scanned files; none may appear anywhere in a bundle, in any form.
ENV_SECRET = "PLANTED-env-literal-9f1c77"
DATA_SECRET = "PLANTED-data-base64-7a2b"
STRING_DATA_SECRET = "PLANTED-stringdata-5d4e"
KEY_MATERIAL = "MC4CAQAwBQYDK2VwBCIEIPLANTEDprivatekeymaterial0123456789abcdefXYZ"
SECRETS = (ENV_SECRET, DATA_SECRET, base64.b64encode(DATA_SECRET.encode()).decode(), STRING_DATA_SECRET,
           KEY_MATERIAL, "PLANTED")

DEPLOYMENT = f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.0
          env:
            - name: DB_PASSWORD
              value: "{ENV_SECRET}"
"""
SECRET = f"""\
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
type: Opaque
data:
  password: {base64.b64encode(DATA_SECRET.encode()).decode()}
stringData:
  api-token: {STRING_DATA_SECRET}
"""
CONFIGMAP = f"""\
apiVersion: v1
kind: ConfigMap
metadata:
  name: tls
  namespace: shop
data:
  key.pem: |
    -----BEGIN PRIVATE KEY-----
    {KEY_MATERIAL}
    -----END PRIVATE KEY-----
"""


def config_text(*, disabled: dict | None = None) -> str:
    active = (TODAY + dt.timedelta(days=30)).isoformat()
    expired = (TODAY - dt.timedelta(days=10)).isoformat()
    config = {
        "frameworks": ["pci-dss-4.0.1", "soc2-tsc-2017"],
        "waivers": [
            {"rule": "K8S-031", "resource": "Deployment/shop/web", "reason": "value rotated by the vault agent",
             "owner": "team-shop", "approved_by": "security-lead", "ticket": "SEC-1", "expires": active},
            {"rule": "K8S-010", "resource": "Deployment/shop/web", "reason": "CPU limits set by LimitRange",
             "owner": "team-shop", "approved_by": "security-lead", "ticket": "SEC-2", "expires": expired},
        ],
    }
    if disabled:
        config["disabled_rules"] = disabled
    return yaml.safe_dump(config, sort_keys=False)


def make_tree(root: Path, *, disabled: dict | None = None) -> Path:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app/deployment.yaml").write_text(DEPLOYMENT)
    (root / "app/secret.yaml").write_text(SECRET)
    (root / "app/configmap.yaml").write_text(CONFIGMAP)
    (root / "compliance.yaml").write_text(config_text(disabled=disabled))
    return root


@contextlib.contextmanager
def chdir(path: Path):
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def invoke(cwd: Path, *args: str, env: dict | None = None):
    with chdir(cwd):
        return runner.invoke(app, list(args), env=env)


def keygen(directory: Path) -> tuple[Path, Path, str]:
    result = runner.invoke(app, ["evidence", "keygen", "--out", str(directory)])
    assert result.exit_code == 0, result.output
    fingerprint = re.search(r"fingerprint (SHA256:[0-9a-f]{64})", result.output)[1]
    return directory / "signing-key.pem", directory / "signing-key.pub.pem", fingerprint


def build(cwd: Path, out: Path, *extra: str, env: dict | None = None, key: Path | None = None):
    args = ["evidence", "build", "app", "--period", "2026-Q4", "--out", str(out), "--jobs", "1", *extra]
    if key is not None:
        args += ["--sign-key", str(key)]
    return invoke(cwd, *args, env=env)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return keygen(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, keys) -> Path:
    root = make_tree(tmp_path_factory.mktemp("repo"))
    result = build(root, root / "evidence/2026-Q4", key=keys[0])
    assert result.exit_code == 0, result.output
    return root / "evidence/2026-Q4"


EXPECTED_FILES = [
    "README.md", "SHA256SUMS", "controls/coverage-pci-dss-4.0.1.csv", "controls/coverage-soc2-tsc-2017.csv",
    "controls/coverage.json", "exceptions/expired.jsonl", "exceptions/manual-evidence.json",
    "exceptions/waivers.jsonl", "keys/signing-key.pub.pem", "manifest.json", "manifest.json.sig",
    "oscal/assessment-results.json", "report.html", "report.md", "results/by-run/RUN.jsonl",
    "results/findings.sarif", "results/results.jsonl", "runs/runs.jsonl", "scope/config.json",
    "scope/inventory.jsonl", "scope/reconciliation.json", "scope/sources.jsonl", "tool/changes.json",
    "tool/rules.jsonl", "tool/tool.json",
]


def all_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_evidence_build_writes_every_file(bundle):
    run_id = lines(bundle / "runs/runs.jsonl")[0]["id"]
    assert re.fullmatch(r"scan-[0-9a-f]{12}", run_id)
    assert all_files(bundle) == sorted(p.replace("RUN", run_id) for p in EXPECTED_FILES)


def test_evidence_manifest_lists_files_sources_and_signer(bundle, keys):
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["schema"] == "compliance/evidence-manifest/v1"
    assert re.fullmatch(r"2026-Q4-[0-9a-f]{12}", manifest["bundle_id"])
    assert manifest["period"] == {"label": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["generated_at"])
    assert manifest["previous"] is None
    assert manifest["signature"] == {"algorithm": "Ed25519", "file": "manifest.json.sig",
                                     "key_fingerprint": keys[2], "public_key": "keys/signing-key.pub.pem"}
    listed = {f["path"]: f for f in manifest["files"]}
    assert sorted(listed) == [p for p in all_files(bundle) if p not in ("SHA256SUMS", "manifest.json",
                                                                          "manifest.json.sig")]
    for path, entry in listed.items():
        data = (bundle / path).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data), path
    sums = (bundle / "SHA256SUMS").read_bytes()
    assert manifest["sha256sums_sha256"] == hashlib.sha256(sums).hexdigest()
    assert sums.decode() == "".join(f"{listed[p]['sha256']}  {p}\n" for p in sorted(listed))
    root = bundle.parents[1]
    sources = {s["path"]: s for s in manifest["sources"]}
    for name in ("app/deployment.yaml", "app/secret.yaml", "app/configmap.yaml"):
        assert sources[name]["sha256"] == hashlib.sha256((root / name).read_bytes()).hexdigest()
    config = (bundle / "scope/config.json").read_bytes()
    assert manifest["config_sha256"] == canonical_hash(json.loads(config))
    assert json.loads(config)["settings_file_sha256"] == hashlib.sha256(
        (root / "compliance.yaml").read_bytes()).hexdigest()


def test_evidence_results_are_the_whole_population(bundle):
    from compliance.reporters.json_report import result_dict
    from compliance.scan import scan
    from compliance.settings import scan_options

    root = bundle.parents[1]
    with chdir(root):
        options, _ = scan_options(["app"], config=None, root=None, environment=None, policy=[], builtin=True,
                                  jobs=1, max_file_size_mib=None)
        report = scan(options)
    rows = lines(bundle / "results/results.jsonl")
    assert [{k: v for k, v in row.items() if k not in ("run", "fingerprint")} for row in rows] == \
        [result_dict(r, report.controls) for r in report.results]
    assert {row["status"] for row in rows} == {"pass", "fail", "waived"}
    waived = [(r["rule_id"], r["resource"]["id"], r["line"], r["message"]) for r in rows if r["status"] == "waived"]
    assert waived == [("K8S-031", "Deployment/shop/web", 19,
                       'container "app" sets env DB_PASSWORD to a literal value')]
    run_id = rows[0]["run"]
    assert (bundle / f"results/by-run/{run_id}.jsonl").read_bytes() == (bundle / "results/results.jsonl").read_bytes()


def test_evidence_inventory_holds_hashes_never_bodies(bundle):
    root = bundle.parents[1]
    rows = {row["id"]: row for row in lines(bundle / "scope/inventory.jsonl")}
    assert sorted(rows) == ["ConfigMap/shop/tls", "Deployment/shop/web", "Secret/shop/db"]
    secret = rows["Secret/shop/db"]
    assert secret["content_sha256"] == canonical_hash(yaml.safe_load(SECRET))
    assert secret["source_sha256"] == hashlib.sha256((root / "app/secret.yaml").read_bytes()).hexdigest()
    assert {k: secret[k] for k in ("file", "start_line", "end_line", "type", "namespace")} == {
        "file": "app/secret.yaml", "start_line": 1, "end_line": 10, "type": "Secret", "namespace": "shop"}
    assert set(secret) == {"run", "id", "family", "type", "name", "namespace", "environment", "api_version",
                           "address", "file", "start_line", "end_line", "document", "content_sha256",
                           "source_sha256"}


def test_evidence_waiver_register_names_covered_and_exposed_results(bundle):
    rows = {row["rule"]: row for row in lines(bundle / "exceptions/waivers.jsonl")}
    active, expired = rows["K8S-031"], rows["K8S-010"]
    assert (active["status"], active["owner"], active["approved_by"], active["ticket"]) == \
        ("active", "team-shop", "security-lead", "SEC-1")
    assert active["covered_results"] == [{"rule_id": "K8S-031", "resource": "Deployment/shop/web",
                                          "file": "app/deployment.yaml", "line": 19, "status": "waived"}]
    assert active["exposed_results"] == []
    assert expired["status"] == "expired" and expired["covered_results"] == []
    assert expired["exposed_results"] == [{"rule_id": "K8S-010", "resource": "Deployment/shop/web",
                                           "file": "app/deployment.yaml", "line": 15, "status": "fail"}]
    assert lines(bundle / "exceptions/expired.jsonl") == [expired]


def test_evidence_bundle_holds_no_secret_values(bundle):
    leaks = [(path, secret) for path in all_files(bundle) for secret in SECRETS
             if secret.encode() in (bundle / path).read_bytes()]
    assert leaks == []
    # The secrets were really scanned: the findings about them are in the bundle, by key name only.
    results = (bundle / "results/results.jsonl").read_text()
    assert 'sets env DB_PASSWORD to a literal value' in results


def test_evidence_build_is_deterministic_apart_from_timestamps(tmp_path, keys):
    root = make_tree(tmp_path / "repo")
    first = build(root, root / "a", key=keys[0], env={"SOURCE_DATE_EPOCH": "1790000000"})
    second = build(root, root / "b", key=keys[0], env={"SOURCE_DATE_EPOCH": "1790003600"})
    same = build(root, root / "c", key=keys[0], env={"SOURCE_DATE_EPOCH": "1790000000"})
    assert (first.exit_code, second.exit_code, same.exit_code) == (0, 0, 0)
    a, b, c = root / "a", root / "b", root / "c"
    assert all_files(a) == all_files(b) == all_files(c)
    stamp_a = json.loads((a / "manifest.json").read_text())["generated_at"]
    stamp_b = json.loads((b / "manifest.json").read_text())["generated_at"]
    assert (stamp_a, stamp_b) == ("2026-09-21T14:13:20Z", "2026-09-21T15:13:20Z")
    # Files that hold the time have other hashes, so their hashes (in the manifest, SHA256SUMS and
    # OSCAL back-matter) differ too: name each hash by its file, then every file must read the same.
    normal_a, normal_b = _normalizer(a, stamp_a), _normalizer(b, stamp_b)
    differ = [p for p in all_files(a) if p != "manifest.json.sig" and normal_a(p) != normal_b(p)]
    assert differ == []
    timed = [p for p in all_files(a) if stamp_a in (a / p).read_text(errors="replace")]
    assert timed == ["README.md", "manifest.json", "oscal/assessment-results.json", "report.html", "report.md",
                     "runs/runs.jsonl"]
    # Same clock: byte-identical, signature included (Ed25519 signatures are deterministic).
    assert [(a / p).read_bytes() for p in all_files(a)] == [(c / p).read_bytes() for p in all_files(c)]


def _normalizer(bundle: Path, stamp: str):
    manifest = json.loads((bundle / "manifest.json").read_text())
    names = {f["sha256"]: f"<sha256 of {f['path']}>" for f in manifest["files"]}
    names[manifest["sha256sums_sha256"]] = "<sha256 of SHA256SUMS>"

    def normal(path: str) -> str:
        text = (bundle / path).read_text().replace(stamp, "<time>")
        return re.sub(r"[0-9a-f]{64}", lambda m: names.get(m[0], m[0]), text)

    return normal


def test_evidence_build_refuses_non_empty_out_unless_force(tmp_path, keys):
    root = make_tree(tmp_path / "repo")
    (root / "busy").mkdir()
    (root / "busy/notes.txt").write_text("mine")
    refused = build(root, Path("busy"))
    assert refused.exit_code == 2
    assert "--out busy exists and is not empty; use --force to replace the bundle in it" in refused.output
    forced = build(root, Path("busy"), "--force")
    assert forced.exit_code == 2
    assert "holds no evidence bundle (manifest.json); refusing to replace it even with --force" in forced.output
    assert (root / "busy/notes.txt").read_text() == "mine"
    assert build(root, root / "ev", key=keys[0]).exit_code == 0
    again = build(root, root / "ev", key=keys[0])
    assert again.exit_code == 2
    replaced = build(root, root / "ev", "--force", key=keys[0])
    assert replaced.exit_code == 0, replaced.output
    assert invoke(root, "evidence", "verify", "ev", "--key", str(keys[1])).exit_code == 0
    assert sorted(p.name for p in root.iterdir()) == ["app", "busy", "compliance.yaml", "ev"]  # no staging left


def test_evidence_signature_verifies_with_openssl(bundle, keys):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    done = subprocess.run([openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(keys[1]), "-rawin",
                           "-in", "manifest.json", "-sigfile", "manifest.json.sig"],
                          cwd=bundle, capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "Signature Verified Successfully")
    der = subprocess.run([openssl, "pkey", "-pubin", "-in", str(keys[1]), "-outform", "DER"],
                         capture_output=True, check=True).stdout
    assert keys[2] == "SHA256:" + hashlib.sha256(der).hexdigest()
    tampered = bundle.parent / "tampered-manifest.json"
    tampered.write_bytes((bundle / "manifest.json").read_bytes().replace(b"2026-Q4", b"2026-Q3", 1))
    bad = subprocess.run([openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(keys[1]), "-rawin",
                          "-in", str(tampered), "-sigfile", "manifest.json.sig"], cwd=bundle, capture_output=True,
                         text=True)
    assert bad.returncode == 1 and "Signature Verification Failure" in bad.stdout


def test_evidence_sha256sum_checks_every_file(bundle):
    sha256sum = shutil.which("sha256sum")
    if sha256sum is None:
        pytest.skip("coreutils sha256sum not installed")
    done = subprocess.run([sha256sum, "--strict", "-c", "SHA256SUMS"], cwd=bundle, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert done.stdout.splitlines() == [f"{f['path']}: OK" for f in manifest["files"]]


def test_evidence_chain_records_previous_and_changes(tmp_path, keys):
    root = make_tree(tmp_path / "repo")
    q3 = invoke(root, "evidence", "build", "app", "--period", "2026-Q3", "--out", "ev/2026-Q3", "--jobs", "1",
                "--sign-key", str(keys[0]))
    assert q3.exit_code == 0, q3.output
    (root / "compliance.yaml").write_text(config_text(disabled={"K8S-009": "memory limits set by LimitRange"}))
    q4 = build(root, root / "ev/2026-Q4", "--previous", "ev/2026-Q3", key=keys[0])
    assert q4.exit_code == 0, q4.output
    previous = json.loads((root / "ev/2026-Q3/manifest.json").read_text())
    manifest = json.loads((root / "ev/2026-Q4/manifest.json").read_text())
    assert manifest["previous"] == {
        "bundle_id": previous["bundle_id"], "period": {"label": "2026-Q3", "start": "2026-07-01", "end": "2026-09-30"},
        "manifest_sha256": hashlib.sha256((root / "ev/2026-Q3/manifest.json").read_bytes()).hexdigest()}
    changes = json.loads((root / "ev/2026-Q4/tool/changes.json").read_text())
    assert (changes["rules_added"], changes["rules_removed"], changes["rules_enabled"], changes["rules_changed"]) == \
        ([], [], [], [])
    assert changes["rules_disabled"] == [{"id": "K8S-009", "reason": "memory limits set by LimitRange"}]
    assert changes["previous"] == {"bundle_id": previous["bundle_id"], "period": previous["period"]}
    report = (root / "ev/2026-Q4/report.md").read_text()
    assert "| rule disabled | K8S-009 | memory limits set by LimitRange |" in report
    rules = {r["id"]: r for r in lines(root / "ev/2026-Q4/tool/rules.jsonl")}
    assert rules["K8S-009"] == {"id": "K8S-009", "enabled": False, "disabled_reason": "memory limits set by LimitRange"}
    assert [c["key"] for c in changes["config_changed"]] == ["disabled_rules", "settings_file_sha256"]
    assert changes["config_changed"][0]["after"] == {"K8S-009": "memory limits set by LimitRange"}
    verified = invoke(root, "evidence", "verify", "ev/2026-Q4", "--key", str(keys[1]), "--previous", "ev/2026-Q3")
    assert verified.exit_code == 0, verified.output
    assert f"ok   chain: links to ev/2026-Q3 (bundle {previous['bundle_id']}, manifest SHA-256 " \
        f"{manifest['previous']['manifest_sha256']})" in verified.output


def test_evidence_build_refuses_a_tampered_previous_bundle(tmp_path, keys):
    root = make_tree(tmp_path / "repo")
    assert build(root, root / "q3", key=keys[0]).exit_code == 0
    with open(root / "q3/results/results.jsonl", "ab") as handle:
        handle.write(b"\n")
    refused = build(root, root / "q4", "--previous", "q3", key=keys[0])
    assert refused.exit_code == 2
    assert "--previous q3 does not verify: results/results.jsonl: SHA-256 mismatch" in refused.output
    assert not (root / "q4").exists()


def test_evidence_build_from_results_files(tmp_path, keys):
    root = make_tree(tmp_path / "repo")
    assert invoke(root, "scan", "app", "--format", "json", "-o", "run1.json").exit_code == 1
    (root / "app/configmap.yaml").unlink()
    assert invoke(root, "scan", "app", "--format", "json", "-o", "run2.json").exit_code == 1
    result = invoke(root, "evidence", "build", "--from-results", "run1.json", "--from-results", "run2.json",
                    "--period", "2026-Q4", "--out", "ev", "--sign-key", str(keys[0]))
    assert result.exit_code == 0, result.output
    runs = lines(root / "ev/runs/runs.jsonl")
    digests = [hashlib.sha256((root / name).read_bytes()).hexdigest() for name in ("run1.json", "run2.json")]
    assert [(r["id"], r["kind"], r["source"], r["input_sha256"]) for r in runs] == [
        (f"ci-{digests[0][:12]}", "results-file", "run1.json", digests[0]),
        (f"ci-{digests[1][:12]}", "results-file", "run2.json", digests[1])]
    manifest = json.loads((root / "ev/manifest.json").read_text())
    assert manifest["final_run"] == runs[1]["id"]
    final = json.loads((root / "run2.json").read_text())["results"]
    rows = lines(root / "ev/results/results.jsonl")
    assert [{k: v for k, v in r.items() if k not in ("run", "fingerprint")} for r in rows] == final
    assert len(lines(root / f"ev/results/by-run/{runs[0]['id']}.jsonl")) == len(
        json.loads((root / "run1.json").read_text())["results"])
    inventory = [r for r in lines(root / "ev/scope/inventory.jsonl") if r["run"] == runs[1]["id"]]
    assert [(r["id"], r["content_sha256"]) for r in inventory] == [("Deployment/shop/web", None),
                                                                   ("Secret/shop/db", None)]
    assert inventory[0]["source_sha256"] == hashlib.sha256((root / "app/deployment.yaml").read_bytes()).hexdigest()
    assert invoke(root, "evidence", "verify", "ev", "--key", str(keys[1])).exit_code == 0


def test_evidence_build_from_results_names_a_bad_file(tmp_path):
    (tmp_path / "bad.json").write_text('{"schema": "compliance/scan-report/v1",\n "results": [}')
    (tmp_path / "other.json").write_text('{"hello": 1}')
    bad = invoke(tmp_path, "evidence", "build", "--from-results", "bad.json", "--period", "2026-Q4", "--out", "ev")
    assert bad.exit_code == 2 and "bad.json:2: invalid JSON: Expecting value" in bad.output
    other = invoke(tmp_path, "evidence", "build", "--from-results", "other.json", "--period", "2026-Q4",
                   "--out", "ev")
    assert other.exit_code == 2 and "other.json: not a JSON scan report" in other.output
    assert not (tmp_path / "ev").exists()


def test_evidence_build_usage_errors(tmp_path):
    make_tree(tmp_path)
    none = invoke(tmp_path, "evidence", "build", "--period", "2026-Q4", "--out", "ev")
    assert none.exit_code == 2 and "give PATHS to scan or --from-results FILE..." in none.output
    period = invoke(tmp_path, "evidence", "build", "app", "--period", "Q4-2026", "--out", "ev")
    assert period.exit_code == 2
    assert "--period 'Q4-2026': expected YYYY-Qn, YYYY-Hn, YYYY-MM, YYYY or YYYY-MM-DD..YYYY-MM-DD" in period.output
    stdin = invoke(tmp_path, "evidence", "build", "-", "--period", "2026-Q4", "--out", "ev")
    assert stdin.exit_code == 2 and "evidence build needs files or directories, not standard input" in stdin.output
    key = invoke(tmp_path, "evidence", "build", "app", "--period", "2026-Q4", "--out", "ev", "--sign-key", "nope.pem")
    assert key.exit_code == 2 and "nope.pem: cannot read signing key" in key.output
    assert not (tmp_path / "ev").exists()


@pytest.mark.parametrize(("text", "label", "start", "end"), [
    ("2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31"),
    ("2026-q1", "2026-Q1", "2026-01-01", "2026-03-31"),
    ("2028-H1", "2028-H1", "2028-01-01", "2028-06-30"),
    ("2028-02", "2028-02", "2028-02-01", "2028-02-29"),
    ("2026", "2026", "2026-01-01", "2026-12-31"),
    ("2026-10-15..2026-11-14", "2026-10-15..2026-11-14", "2026-10-15", "2026-11-14"),
])
def test_evidence_period_parse(text, label, start, end):
    assert parse_period(text).as_dict() == {"label": label, "start": start, "end": end}


@pytest.mark.parametrize(("text", "message"), [
    ("2026-Q5", "expected YYYY-Qn"), ("2026-13", "month must be in 1..12"),
    ("2026-12-31..2026-10-01", "the end is before the start"),
])
def test_evidence_period_parse_rejects(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_period(text)


def test_evidence_keygen_refuses_to_overwrite(tmp_path):
    private, public, _ = keygen(tmp_path)
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    again = runner.invoke(app, ["evidence", "keygen", "--out", str(tmp_path)])
    assert again.exit_code == 2 and f"{private} exists; use --force to replace it" in again.output


def test_evidence_payment_platform_builds_and_verifies(tmp_path, keys):
    out = tmp_path / "2026-Q4"
    result = invoke(REPO, "evidence", "build", "examples/payment-platform", "--period", "2026-Q4", "--out", str(out),
                    "--sign-key", str(keys[0]), "--jobs", "1")
    assert result.exit_code == 0, result.output
    verified = invoke(REPO, "evidence", "verify", str(out), "--key", str(keys[1]))
    assert verified.exit_code == 0, verified.output
    scanned = invoke(REPO, "scan", "examples/payment-platform", "--format", "json", "-o", str(tmp_path / "scan.json"),
                     "--jobs", "1")
    assert scanned.exit_code == 1
    summary = json.loads((tmp_path / "scan.json").read_text())["summary"]
    reconciliation = json.loads((out / "scope/reconciliation.json").read_text())["runs"][0]
    assert reconciliation["resources"]["total"] == summary["resources"]
    assert reconciliation["results"]["total"] == summary["results"]
    assert reconciliation["results"]["by_status"] == {"pass": summary["passed"], "fail": summary["failed"],
                                                      "waived": summary["waived"], "error": summary["errors"]}
    assert reconciliation["results_outside_inventory"] == 0
    assert len(lines(out / "scope/inventory.jsonl")) == summary["resources"]
