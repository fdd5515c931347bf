"""A small OPA REST API server for tests, evaluating with the real OPA engine (opa_bindings).

Implements what compliance.engines.opa_remote uses: PUT/DELETE/GET /v1/policies[/<id>],
PUT/DELETE /v1/data/<path>, POST /v1/data/<path> {"input": ...}. Error bodies have
OPA's shape ({code, message, errors}). Run as its own process (OPA's Go runtime must
not share a process with forked scan workers):

    python tests/opa_server.py [--token T] [--delay SECONDS]

prints the bound port on the first line of stdout, serves on 127.0.0.1 until killed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 16 * 1024 * 1024
_LOCATION = re.compile(r"(?P<file>[^\s:]+):(?P<row>\d+): (?P<code>rego_\w+): (?P<message>[^\n]*)")


class State:
    """Policies and data as OPA holds them; the engine is rebuilt after every change."""

    def __init__(self) -> None:
        self.policies: dict[str, str] = {}
        self.data: dict = {}
        self.lock = threading.Lock()
        self._engine = None
        self.log: list[str] = []

    def build(self, policies: dict[str, str]):
        import opa_bindings

        engine = opa_bindings.OpaEngine()
        for policy_id in sorted(policies):
            engine.add_policy(policy_id, policies[policy_id])
        engine.add_data(self.data)
        engine.eval_query("x := 1")  # compiles every module now, as OPA does on PUT
        return engine

    def engine(self):
        if self._engine is None:
            self._engine = self.build(self.policies)
        return self._engine

    def changed(self) -> None:
        if self._engine is not None:
            self._engine.close()
        self._engine = None


def _errors(text: str) -> list[dict]:
    out = []
    for match in _LOCATION.finditer(text):
        if match:
            out.append({"code": match["code"], "message": match["message"],
                        "location": {"file": match["file"], "row": int(match["row"])}})
    return out


def make_handler(state: State, *, token: str | None, delay: float):
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a client that stops sending does not hold a thread forever

        def log_message(self, *args) -> None:  # quiet: tests read state.log instead
            pass

        def _send(self, status: int, body: dict | None) -> None:
            raw = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"code": "invalid_parameter", "message": "request body too large"})
                return None
            return self.rfile.read(length)

        def _authorized(self) -> bool:
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                self._send(401, {"code": "unauthorized", "message": "authentication required"})
                return False
            return True

        def _route(self, method: str) -> None:
            if delay:
                time.sleep(delay)
            if not self._authorized():
                return
            body = self._body() if method in ("PUT", "POST") else b""
            if body is None:
                return
            path = self.path.split("?", 1)[0]
            state.log.append(f"{method} {path}")
            with state.lock:
                if path.startswith("/v1/policies"):
                    self._policies(method, path[len("/v1/policies"):].strip("/"), body)
                elif path.startswith("/v1/data"):
                    self._data(method, [p for p in path[len("/v1/data"):].split("/") if p], body)
                else:
                    self._send(404, {"code": "resource_not_found", "message": f"no route {path}"})

        def _policies(self, method: str, policy_id: str, body: bytes) -> None:
            from urllib.parse import unquote

            policy_id = unquote(policy_id)
            if method == "GET" and not policy_id:
                self._send(200, {"result": [{"id": k} for k in sorted(state.policies)]})
            elif method == "PUT" and policy_id:
                candidate = {**state.policies, policy_id: body.decode()}
                try:
                    state.build(candidate).close()
                except Exception as exc:
                    self._send(400, {"code": "invalid_parameter",
                                     "message": "error(s) occurred while compiling module(s)",
                                     "errors": _errors(str(exc))})
                    return
                state.policies = candidate
                state.changed()
                self._send(200, {})
            elif method == "DELETE" and policy_id in state.policies:
                del state.policies[policy_id]
                state.changed()
                self._send(200, {})
            else:
                self._send(404, {"code": "resource_not_found", "message": f"storage_not_found_error: {policy_id}"})

        def _data(self, method: str, parts: list[str], body: bytes) -> None:
            if method == "PUT":
                node = state.data
                for part in parts[:-1]:
                    node = node.setdefault(part, {})
                node[parts[-1]] = json.loads(body)
                state.changed()
                self._send(204, None)
            elif method == "DELETE":
                node = state.data
                for part in parts[:-1]:
                    node = node.get(part, {})
                node.pop(parts[-1], None)
                state.changed()
                self._send(204, None)
            elif method == "POST":
                payload = json.loads(body or b"{}")
                ref = "data" + "".join(f'["{p}"]' for p in parts)
                try:
                    rows = state.engine().eval_query(f"x := {ref}", input=payload.get("input"))
                except Exception as exc:
                    self._send(500, {"code": "internal_error", "message": str(exc)})
                    return
                self._send(200, {"result": rows[0]["x"]} if rows else {})
            else:
                self._send(405, {"code": "method_not_allowed", "message": method})

        def do_GET(self) -> None:
            self._route("GET")

        def do_PUT(self) -> None:
            self._route("PUT")

        def do_POST(self) -> None:
            self._route("POST")

        def do_DELETE(self) -> None:
            self._route("DELETE")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, token=args.token, delay=args.delay))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    # GET /_state (no auth) lets a test see what is left on the server.
    original = server.RequestHandlerClass.do_GET

    def do_get(self) -> None:
        if self.path == "/_state":
            with state.lock:
                self._send(200, {"policies": sorted(state.policies), "data": state.data})
            return
        original(self)

    server.RequestHandlerClass.do_GET = do_get
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
