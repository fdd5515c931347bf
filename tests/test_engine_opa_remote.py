"""Remote OPA (`--opa-url`): the same results as in-process, against a real-OPA-backed REST server."""

from __future__ import annotations

import json
import socket
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

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "payment-platform"
SERVER = Path(__file__).resolve().parent / "opa_server.py"


class Server:
    def __init__(self, *args: str):
        # A process of its own: OPA's Go runtime must not live in a process that forks scan workers.
        self.proc = subprocess.Popen([sys.executable, str(SERVER), *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.strip().isdigit(), f"test OPA server did not start: {line!r}"
        self.url = f"http://127.0.0.1:{line.strip()}"

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_state", timeout=10) as answer:
            return json.loads(answer.read())

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
