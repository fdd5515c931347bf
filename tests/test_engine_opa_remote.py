"""Remote OPA (`--opa-url`): the same results as in-process, against a real-OPA-backed REST server."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.engines.opa_remote import OpaSettings, RemoteOpa
from compliance.errors import EngineError
from compliance.scan import ScanOptions, scan

pytest.importorskip("opa_bindings", reason="the test OPA server needs opa-golib-python-bindings")
pytest.importorskip("opa_client", reason="remote OPA needs the opa extra: pip install 'compliance[opa]'")

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "payment-platform"
SERVER = Path(__file__).resolve().parent / "opa_server.py"


class Server:
    def __init__(self, *args: str, scheme: str = "http", ca: Path | None = None):
        # A process of its own: OPA's Go runtime must not live in a process that forks scan workers.
        self.proc = subprocess.Popen([sys.executable, str(SERVER), *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip().isdigit(), f"test OPA server did not start: {line!r}"
        self.url = f"{scheme}://127.0.0.1:{line.strip()}"
        self._context = ssl.create_default_context(cafile=str(ca)) if ca else None

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_state", timeout=10, context=self._context) as answer:
            return json.loads(answer.read())

    def requests_since(self, start: int) -> list[str]:
        """The requests received after the first `start`, with the random run id as run_X."""
        return [re.sub(r"run_[0-9a-f]{12}", "run_X", line) for line in self.state()["requests"][start:]]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def opa():
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def opa_with_token():
    server = Server("--token", "s3cret-token")
    yield server
    server.stop()


def _rows(report) -> list[tuple]:
    return [(r.rule.id, r.resource.id, r.resource.source.file, r.line, r.end_line, r.status.value, r.message,
             tuple(r.path)) for r in report.results]


def _scan(paths: list[str], **kw):
    return scan(ScanOptions(paths=paths, root=REPO, jobs=1, **kw))


def test_same_results_in_process_and_remote(opa):
    paths = ["examples/payment-platform", "tests/fixtures/terraform"]
    local = _scan(paths)
    remote = _scan(paths, opa=OpaSettings(opa.url))
    assert _rows(remote) == _rows(local)
    assert any(r[5] == "fail" for r in _rows(local)), "the fixtures must contain failures to compare"
    # Inventory (cross-resource) rules ran remotely too.
    inventory_ids = {r.id for r in local.rules if r.needs_inventory and r.engine == "rego"}
    assert inventory_ids & {row[0] for row in _rows(remote)} == inventory_ids & {row[0] for row in _rows(local)}


def test_rule_fixtures_identical(opa):
    """Every rule's own fixtures decide the same remotely."""
    fixtures = sorted(str(p.relative_to(REPO)) for p in (REPO / "compliance" / "data" / "rego").glob("*/*/fixtures"))
    if not fixtures:
        fixtures = sorted(str(p.relative_to(REPO)) for p in REPO.glob("**/rego/*/*/fixtures"))
    assert fixtures
    local = _scan(fixtures)
    remote = _scan(fixtures, opa=OpaSettings(opa.url))
    assert _rows(remote) == _rows(local)


def test_parallel_workers_use_the_server(opa, tmp_path):
    # Enough files for the forked worker pool (scan.POOL_MIN_FILES): each worker queries the server.
    from compliance.scan import POOL_MIN_FILES

    for index in range(POOL_MIN_FILES + 4):
        privileged = "true" if index % 2 else "false"
        (tmp_path / f"pod{index:02d}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{index}\n  namespace: shop\nspec:\n  containers:\n"
            f"    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: {privileged}\n")
    local = scan(ScanOptions(paths=[str(tmp_path)], root=tmp_path, jobs=1))
    remote = scan(ScanOptions(paths=[str(tmp_path)], root=tmp_path, jobs=2, opa=OpaSettings(opa.url)))
    assert _rows(remote) == _rows(local)
    privileged = sorted(r[1] for r in _rows(remote) if r[0] == "K8S-001" and r[5] == "fail")
    assert privileged == sorted(f"Pod/shop/p{i}" for i in range(1, POOL_MIN_FILES + 4, 2))


def test_cleanup_and_keep(opa):
    before = opa.state()
    _scan(["examples/payment-platform"], opa=OpaSettings(opa.url))
    after = opa.state()
    assert after["policies"] == before["policies"] == []
    assert after["data"] in ({}, {"compliance": {"scans": {}}})
    _scan(["examples/payment-platform"], opa=OpaSettings(opa.url, keep=True))
    kept = opa.state()
    added = sorted(set(kept["policies"]) - set(before["policies"]))
    assert added and all(p.startswith("compliance-scan/run_") for p in added)
    assert any(p.endswith("/w1.rego") for p in added)
    assert any(p.endswith(".rego") and "/rego/" in p for p in added)
    # Remove what --opa-keep left so later tests see a clean server.
    for policy_id in added:
        req = urllib.request.Request(f"{opa.url}/v1/policies/{policy_id}", method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()
    for run in list(kept["data"].get("compliance", {}).get("scans", {})):
        req = urllib.request.Request(f"{opa.url}/v1/data/compliance/scans/{run}", method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()


def test_policy_rejected_shows_opa_message(opa, tmp_path):
    bad = tmp_path / "policies"
    bad.mkdir()
    (bad / "broken.rego").write_text("package broken\nimport rego.v1\n\ndeny contains msg if {\n  msg := \n}\n")
    with pytest.raises(EngineError) as info:
        _scan(["examples/payment-platform"], opa=OpaSettings(opa.url), policy_dirs=[bad], builtin=False)
    text = str(info.value)
    assert text.startswith(f"OPA rejected policy {bad.as_posix()}/broken.rego: "
                           "error(s) occurred while compiling module(s)\n")
    assert "compliance-scan/run_" in text and "broken.rego:6: rego_parse_error:" in text
    assert opa.state()["policies"] == []  # nothing left behind after the failure


def test_runtime_error_in_one_rule_is_an_error_result(opa, tmp_path):
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "div.rego").write_text(
        "package custom.div\nimport rego.v1\n\n"
        "deny contains msg if {\n  x := 1 / 0\n  msg := sprintf(\"%v\", [x])\n}\n")
    (pol / "ok.rego").write_text(
        "package custom.ok\nimport rego.v1\n\ndeny contains \"always\" if { input.kind }\n")
    target = tmp_path / "pod.yaml"
    target.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n")
    report = scan(ScanOptions(paths=[str(target)], root=tmp_path, jobs=1, opa=OpaSettings(opa.url),
                              policy_dirs=[pol], builtin=False))
    rows = [(r.rule.id, r.status.value, r.message.split(":")[0]) for r in report.results]
    assert rows == [("custom.div.deny", "error", "rule custom.div.deny failed"),
                    ("custom.ok.deny", "fail", "always")]


def test_server_down_is_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(app, ["scan", str(EXAMPLE), "--opa-url", f"http://127.0.0.1:{port}"])
    assert result.exit_code == 2
    assert f"error: cannot reach OPA at http://127.0.0.1:{port}: [Errno 111] Connection refused" in result.output


def test_timeout_is_a_clear_error():
    # A server that accepts connections and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    stop = threading.Event()
    held = []

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = CliRunner().invoke(app, ["scan", str(EXAMPLE), "--opa-url", f"http://127.0.0.1:{port}",
                                          "--opa-timeout", "0.5"])
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()
    assert result.exit_code == 2
    assert f"error: OPA at http://127.0.0.1:{port} did not answer within 0.5s (--opa-timeout)" in result.output


def test_bearer_token(opa_with_token):
    report = _scan(["examples/payment-platform"], opa=OpaSettings(opa_with_token.url, token="s3cret-token"))
    assert _rows(report) == _rows(_scan(["examples/payment-platform"]))
    with pytest.raises(EngineError) as info:
        _scan(["examples/payment-platform"], opa=OpaSettings(opa_with_token.url, token="wrong"))
    assert str(info.value).startswith("OPA rejected policy rego/")
    assert str(info.value).endswith(": authentication required")
    assert "wrong" not in str(info.value)


def test_cli_scan_with_opa_url_matches_in_process(opa):
    runner = CliRunner()
    local = runner.invoke(app, ["scan", "examples/payment-platform", "--format", "json", "--root", str(REPO)])
    remote = runner.invoke(app, ["scan", "examples/payment-platform", "--format", "json", "--root", str(REPO),
                                 "--opa-url", opa.url, "--opa-timeout", "20"])
    assert remote.exit_code == local.exit_code == 1
    strip = lambda out: [{k: v for k, v in r.items() if k not in ("duration",)}  # noqa: E731
                         for r in json.loads(out)["results"]]
    assert strip(remote.stdout) == strip(local.stdout)


def test_bad_url_and_https_options():
    with pytest.raises(EngineError, match="--opa-url must be an http:// or https:// URL, got 'localhost:8181'"):
        RemoteOpa(OpaSettings("localhost:8181"))
    with pytest.raises(EngineError, match="--opa-ca-cert needs an https:// --opa-url"):
        RemoteOpa(OpaSettings("http://127.0.0.1:1", ca_cert=Path("ca.pem")))
    with pytest.raises(EngineError, match="--opa-ca-cert missing.pem: cannot load"):
        RemoteOpa(OpaSettings("https://127.0.0.1:1", ca_cert=Path("missing.pem")))


def test_opa_settings_from_config_and_flags(tmp_path):
    from compliance.errors import InputError
    from compliance.settings import scan_options

    (tmp_path / "compliance.yaml").write_text("opa:\n  url: http://opa.internal:8181\n  timeout: 5\n"
                                              "  ca_cert: certs/ca.pem\n  keep: true\n")
    common = dict(config=tmp_path / "compliance.yaml", root=tmp_path, environment=None, policy=[], builtin=True,
                  jobs=1, max_file_size_mib=None)
    options, _ = scan_options([str(tmp_path)], **common)
    assert options.opa == OpaSettings("http://opa.internal:8181", ca_cert=tmp_path / "certs" / "ca.pem",
                                      timeout=5.0, keep=True)
    options, _ = scan_options([str(tmp_path)], **common, opa={"url": "https://other:8181", "token": "t0k",
                                                              "timeout": 2.5, "keep": False})
    assert (options.opa.url, options.opa.token, options.opa.timeout, options.opa.keep) == (
        "https://other:8181", "t0k", 2.5, True)
    assert "t0k" not in repr(options.opa)
    (tmp_path / "compliance.yaml").write_text("opa:\n  url: http://x\n  token: abc\n")
    with pytest.raises(InputError, match=r"compliance.yaml:1: unknown key opa.token .*never in this file"):
        scan_options([str(tmp_path)], **common)
    (tmp_path / "compliance.yaml").write_text("")
    with pytest.raises(InputError, match="^--opa-timeout needs --opa-url$"):
        scan_options([str(tmp_path)], **common, opa={"timeout": 3.0})
    options, _ = scan_options([str(tmp_path)], **common, opa={"token": "from-env"})
    assert options.opa is None


# --- opa-python-client transport: install hint, no rewrite, no retry, token, TLS, prefix, redirects ---

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n"
ALWAYS = "package custom.ok\nimport rego.v1\n\ndeny contains \"always\" if { input.kind }\n"


def _one_rule(tmp_path: Path, folder: str = "policies", name: str = "ok.rego") -> tuple[Path, Path]:
    """A policy folder with one rule that always fails, and a Pod to scan."""
    pol = tmp_path / folder
    pol.mkdir(parents=True)
    (pol / name).write_text(ALWAYS)
    target = tmp_path / "pod.yaml"
    target.write_text(POD)
    return pol, target


def _rows_small(report) -> list[tuple]:
    return [(r.rule.id, r.resource.id, r.status.value, r.message) for r in report.results]


def test_broken_extra_says_what_failed(monkeypatch):
    for name in [m for m in sys.modules if m == "opa_client" or m.startswith("opa_client.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # opa_client imports it at import time
    with pytest.raises(EngineError) as info:
        RemoteOpa(OpaSettings("http://127.0.0.1:1"))
    assert str(info.value) == ("--opa-url needs opa-python-client, which cannot be imported "
                               "(import of aiohttp halted; None in sys.modules): pip install 'compliance[opa]'")


def test_v0_policy_rejected_with_opa_message_not_rewritten(opa, tmp_path):
    # opa-python-client re-sends a policy OPA rejects for v0 syntax with its rule heads rewritten to v1
    # unless rego_compat=False: the user must see OPA's message, and the server must get one PUT.
    pol = tmp_path / "policies"
    pol.mkdir()
    (pol / "legacy.rego").write_text('package legacy\n\ndeny[msg] {\n  input.kind == "Pod"\n  msg := "legacy"\n}\n')
    start = len(opa.state()["requests"])
    with pytest.raises(EngineError) as info:
        _scan(["examples/payment-platform"], opa=OpaSettings(opa.url), policy_dirs=[pol], builtin=False)
    policy_id = f"compliance-scan/run_X{pol.as_posix()}/legacy.rego"
    assert re.sub(r"run_[0-9a-f]{12}", "run_X", str(info.value)) == (
        f"OPA rejected policy {pol.as_posix()}/legacy.rego: error(s) occurred while compiling module(s)\n"
        f"  {policy_id}:3: rego_parse_error: `if` keyword is required before rule body\n"
        f"  {policy_id}:3: rego_parse_error: `contains` keyword is required for partial set rules\n"
        "(this module uses Rego v0 syntax: run OPA 1.x with --v0-compatible)")
    assert opa.requests_since(start) == [f"PUT /v1/policies/{policy_id}"]
    assert opa.state()["policies"] == []


def test_failed_evaluation_is_not_retried(opa, tmp_path):
    """A rule's runtime error (HTTP 500) is asked once in the batch, then once per rule: nothing re-sent."""
    pol, target = _one_rule(tmp_path)
    (pol / "div.rego").write_text("package custom.div\nimport rego.v1\n\n"
                                  "deny contains msg if {\n  x := 1 / 0\n  msg := sprintf(\"%v\", [x])\n}\n")
    start = len(opa.state()["requests"])
    report = scan(ScanOptions(paths=[str(target)], root=tmp_path, jobs=1, opa=OpaSettings(opa.url),
                              policy_dirs=[pol], builtin=False))
    assert [(r.rule.id, r.status.value, r.message.split(":")[0]) for r in report.results] == [
        ("custom.div.deny", "error", "rule custom.div.deny failed"), ("custom.ok.deny", "fail", "always")]
    ids = f"compliance-scan/run_X{pol.as_posix()}"
    assert opa.requests_since(start) == [
        f"PUT /v1/policies/{ids}/div.rego",
        f"PUT /v1/policies/{ids}/ok.rego",
        "PUT /v1/policies/compliance-scan/run_X/w1.rego",
        "POST /v1/data/compliance_scan/run_X/w1",  # the batch: 500, div by zero
        "POST /v1/data/compliance_scan/run_X/w1/r0",  # custom.div.deny alone: 500, an error result
        "POST /v1/data/compliance_scan/run_X/w1/r1",  # custom.ok.deny alone: its violation
        "DELETE /v1/policies/compliance-scan/run_X/w1.rego",
        f"DELETE /v1/policies/{ids}/ok.rego",
        f"DELETE /v1/policies/{ids}/div.rego",
    ]


class _Stub:
    """A bare HTTP server in a thread that gives every request the same answer and counts them."""

    def __init__(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stub = self
        self.seen: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _answer(self) -> None:
                stub.seen.append(f"{self.command} {self.path}")
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_gateway_error_is_sent_once_and_named(tmp_path):
    # opa-python-client's default Retry re-sends PUT/DELETE on 500/502/504: retries=0 sends it once.
    pol, target = _one_rule(tmp_path)
    stub = _Stub(502, b"<html><body>502 Bad Gateway</body></html>", {"Content-Type": "text/html"})
    try:
        result = CliRunner().invoke(app, ["scan", str(target), "--policy", str(pol), "--no-builtin",
                                          "--opa-url", stub.url])
    finally:
        stub.close()
    assert result.exit_code == 2
    policy_path = f"/v1/policies/compliance-scan/run_X{pol.as_posix()}/ok.rego"
    assert re.sub(r"run_[0-9a-f]{12}", "run_X", result.output) == (
        f"error: OPA at {stub.url} sent a non-JSON answer (HTTP 502) to PUT {policy_path}\n")
    assert [re.sub(r"run_[0-9a-f]{12}", "run_X", line) for line in stub.seen] == [f"PUT {policy_path}"]


def test_redirect_is_not_followed(tmp_path):
    pol, target = _one_rule(tmp_path)
    stub = _Stub(307, headers={"Location": "http://elsewhere.example/v1/policies/x"})
    try:
        with pytest.raises(EngineError) as info:
            scan(ScanOptions(paths=[str(target)], root=tmp_path, jobs=1, opa=OpaSettings(stub.url),
                             policy_dirs=[pol], builtin=False))
    finally:
        stub.close()
    policy_path = f"/v1/policies/compliance-scan/run_X{pol.as_posix()}/ok.rego"
    assert re.sub(r"run_[0-9a-f]{12}", "run_X", str(info.value)) == (
        f"OPA at {stub.url} answered PUT {policy_path} with a redirect (HTTP 307 to "
        "http://elsewhere.example/v1/policies/x), which is not followed: check --opa-url")
    assert len(stub.seen) == 1


def test_token_sent_on_every_request(opa_with_token, tmp_path):
    pol, target = _one_rule(tmp_path)
    start = len(opa_with_token.state()["requests"])
    report = scan(ScanOptions(paths=[str(target)], root=tmp_path, jobs=1, policy_dirs=[pol], builtin=False,
                              opa=OpaSettings(opa_with_token.url, token="s3cret-token")))
    assert _rows_small(report) == [("custom.ok.deny", "Pod/p", "fail", "always")]
    ids = f"compliance-scan/run_X{pol.as_posix()}"
    # The server logs a request without the right "Authorization: Bearer s3cret-token" as "401 ...".
    assert opa_with_token.requests_since(start) == [
        f"PUT /v1/policies/{ids}/ok.rego",
        "PUT /v1/policies/compliance-scan/run_X/w1.rego",
        "POST /v1/data/compliance_scan/run_X/w1",
        "DELETE /v1/policies/compliance-scan/run_X/w1.rego",
        f"DELETE /v1/policies/{ids}/ok.rego",
    ]
    start = len(opa_with_token.state()["requests"])
    with pytest.raises(EngineError) as info:
        scan(ScanOptions(paths=[str(target)], root=tmp_path, jobs=1, policy_dirs=[pol], builtin=False,
                         opa=OpaSettings(opa_with_token.url)))
    assert str(info.value) == f"OPA rejected policy {pol.as_posix()}/ok.rego: authentication required"
    assert opa_with_token.requests_since(start) == [f"401 PUT /v1/policies/{ids}/ok.rego"]


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 it signed: (ca.pem, server.pem, server-key.pem)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test OPA CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, encipher_only=False,
                                       decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def test_https_with_ca_certificate(tmp_path, monkeypatch):
    certs = tmp_path / "certs"
    certs.mkdir()
    ca, cert, key = _certificates(certs)
    pol, target = _one_rule(tmp_path)
    server = Server("--tls", str(cert), str(key), scheme="https", ca=ca)
    try:
        options = dict(paths=[str(target)], root=tmp_path, jobs=1, policy_dirs=[pol], builtin=False)
        # requests lets REQUESTS_CA_BUNDLE override a session's CA: --opa-ca-cert must still win.
        import certifi

        monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
        report = scan(ScanOptions(**options, opa=OpaSettings(server.url, ca_cert=ca)))
        assert _rows_small(report) == [("custom.ok.deny", "Pod/p", "fail", "always")]
        assert server.state()["policies"] == []
        monkeypatch.delenv("REQUESTS_CA_BUNDLE")
        with pytest.raises(EngineError) as info:  # the system CAs do not know the test CA
            scan(ScanOptions(**options, opa=OpaSettings(server.url)))
    finally:
        server.stop()
    text = str(info.value)
    assert text.startswith(f"TLS with OPA at {server.url} failed: [SSL: CERTIFICATE_VERIFY_FAILED] "
                           "certificate verify failed: unable to get local issuer certificate")
    assert text.endswith(" (--opa-ca-cert)")


def test_url_path_prefix_and_policy_paths_opa_would_redirect(tmp_path, monkeypatch):
    """OPA behind a gateway path; policy folders named `../x` or absolute still give clean policy ids
    (OPA's router redirects a path with `//` or `..`), with spaces and `#` percent-encoded."""
    work = tmp_path / "work"
    pol, target = _one_rule(work, folder="my policies", name="odd #1.rego")
    for name in ("shared", "abs"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.rego").write_text(ALWAYS.replace("custom.ok", f"custom.{name}"))
    monkeypatch.chdir(work)
    server = Server("--prefix", "/opa")
    try:
        report = scan(ScanOptions(paths=[str(target)], root=work, jobs=1, builtin=False,
                                  policy_dirs=[Path("my policies"), Path("../shared"), tmp_path / "abs"],
                                  opa=OpaSettings(f"{server.url}/opa/")))
        requests = server.requests_since(0)
        left = server.state()["policies"]
    finally:
        server.stop()
    assert _rows_small(report) == [("custom.abs.deny", "Pod/p", "fail", "always"),
                                   ("custom.ok.deny", "Pod/p", "fail", "always"),
                                   ("custom.shared.deny", "Pod/p", "fail", "always")]
    assert [line for line in requests if not line.startswith("DELETE")] == [
        "PUT /opa/v1/policies/compliance-scan/run_X/my%20policies/odd%20%231.rego",
        "PUT /opa/v1/policies/compliance-scan/run_X/.../shared/shared.rego",
        f"PUT /opa/v1/policies/compliance-scan/run_X{tmp_path.as_posix()}/abs/abs.rego",
        "PUT /opa/v1/policies/compliance-scan/run_X/w1.rego",
        "POST /opa/v1/data/compliance_scan/run_X/w1",
    ]
    assert len([line for line in requests if line.startswith("DELETE")]) == 4 and left == []


def test_policy_ids_are_unique_and_clean():
    remote = RemoteOpa(OpaSettings("http://127.0.0.1:1"))  # no request is sent
    first = remote._policy_id("../p/x.rego")
    assert first == f"compliance-scan/{remote.run}/.../p/x.rego"
    remote._policy_ids.append(first)
    assert remote._policy_id(".../p/x.rego") == f"compliance-scan/{remote.run}/.../p/x.rego~2"
    assert remote._policy_id("//a/./b//c.rego") == f"compliance-scan/{remote.run}/a/b/c.rego"


def test_slow_evaluation_is_a_clear_error():
    """A POST that times out (requests' ReadTimeout, not wrapped as for PUT) gives the same message."""
    from compliance.engines.opa_remote import OpaConnection

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with pytest.raises(EngineError) as info:
            OpaConnection(OpaSettings(url, timeout=0.3)).query("compliance_scan.run_x.w1", None, {"resource": {}})
    finally:
        listener.close()
    assert str(info.value) == f"OPA at {url} did not answer within 0.3s (--opa-timeout)"


def test_server_closing_the_connection_is_a_clear_error():
    """requests wraps the cause in three layers; the message keeps only the root."""
    from compliance.engines.opa_remote import OpaConnection

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def hang_up():
        with contextlib.suppress(OSError):
            while True:
                conn = listener.accept()[0]
                # Read the whole request (headers and body may come in separate segments) before
                # closing: unread data would make the close a reset, another error message.
                conn.settimeout(0.3)
                with contextlib.suppress(OSError):
                    while conn.recv(65536):
                        pass
                conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        connection = OpaConnection(OpaSettings(url, timeout=5))
        for call in (lambda: connection.put_policy("compliance-scan/run_x/a.rego", "package a"),
                     lambda: connection.query("compliance_scan.run_x.w1", None, {"resource": {}})):
            with pytest.raises(EngineError) as info:
                call()
            assert str(info.value) == f"cannot reach OPA at {url}: Remote end closed connection without response"
    finally:
        listener.close()


def test_url_forms():
    from compliance.engines.opa_remote import OpaConnection

    with pytest.raises(EngineError) as info:
        OpaConnection(OpaSettings("https://admin:hunter2@opa.internal:8181"))
    assert str(info.value) == "--opa-url must not contain a user or password: use --opa-token"
    with pytest.raises(EngineError, match=r"^--opa-url must not have a query or fragment, got 'http://h/\?x=1'$"):
        OpaConnection(OpaSettings("http://h/?x=1"))
    with pytest.raises(EngineError, match=r"^--opa-url has an invalid port: 'http://h:99999'$"):
        OpaConnection(OpaSettings("http://h:99999"))
    # What opa-python-client is given: its root URL is <scheme><host>:<port>/<version>.
    for url, root in [("HTTPS://OPA.internal", "https://opa.internal:443/v1"),
                      ("http://[::1]:8181/", "http://[::1]:8181/v1"),
                      ("https://gw.example/policy/opa/", "https://gw.example:443/policy/opa/v1")]:
        assert OpaConnection(OpaSettings(url)).client().root_url == root
