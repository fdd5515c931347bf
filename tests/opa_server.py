"""A small OPA REST API server for tests, evaluating with the real OPA engine (opa_bindings).

Implements what compliance.engines.opa_remote uses: PUT/DELETE/GET /v1/policies[/<id>],
PUT/DELETE /v1/data/<path>, POST /v1/data/<path> {"input": ...}. Error bodies have
OPA's shape ({code, message, errors}). Run as its own process (OPA's Go runtime must
not share a process with forked scan workers):

    python tests/opa_server.py [--token T] [--delay SECONDS] [--prefix /opa] [--tls CERT KEY]

prints the bound port on the first line of stdout, serves on 127.0.0.1 until killed.
--prefix serves the API under a path (OPA behind a gateway); --tls serves HTTPS.
GET /_state (no auth) shows the policies, the data and every request received, in order
("PUT /v1/policies/..."; a request refused for its token is logged as "401 PUT ...").
"""

from __future__ import annotations

import argparse
import contextlib
import json
import posixpath
import re
import socket
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


def _clean(path: str) -> str:
    """Go's path cleaning: no empty, '.' or '..' segments; a trailing slash is kept."""
    cleaned = posixpath.normpath(re.sub("/+", "/", path))
    return cleaned + "/" if path.endswith("/") and cleaned != "/" else cleaned


def make_handler(state: State, *, token: str | None, delay: float, prefix: str = ""):
    class Handler(BaseHTTPRequestHandler):
        timeout = 10  # a client that stops sending does not hold a thread forever
        protocol_version = "HTTP/1.1"  # keep-alive, as OPA's Go server: clients reuse connections

        def log_message(self, *args) -> None:  # quiet: tests read state.log instead
            pass

        def setup(self) -> None:
            super().setup()
            # As Go (OPA) does by default: without it a kept-alive connection stalls ~40 ms per answer
            # (headers and body are two writes; Nagle waits for the client's delayed ACK).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

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
                self.close_connection = True  # the unread body must not be taken for the next request
                self._send(413, {"code": "invalid_parameter", "message": "request body too large"})
                return None
            return self.rfile.read(length)

        def _authorized(self) -> bool:
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                state.log.append(f"401 {self.command} {self.path.split('?', 1)[0]}")
                self._send(401, {"code": "unauthorized", "message": "authentication required"})
                return False
            return True

        def _route(self, method: str) -> None:
            if delay:
                time.sleep(delay)
            # The body is read first, even when refused: on a kept-alive connection the next request follows it.
            body = self._body() if method in ("PUT", "POST") else b""
            if body is None:
                return
            if not self._authorized():
                return
            path = self.path.split("?", 1)[0]
            state.log.append(f"{method} {path}")
            if _clean(path) != path:  # as OPA's router (Go's ServeMux) does, for every method
                self.send_response(301)
                self.send_header("Location", _clean(path))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if prefix:
                if not path.startswith(prefix + "/"):
                    self._send(404, {"code": "resource_not_found", "message": f"no route {path}"})
                    return
                path = path[len(prefix):]
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
    parser.add_argument("--prefix", default="")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = parser.parse_args()
    state = State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, token=args.token, delay=args.delay,
                                                                 prefix=args.prefix.rstrip("/")))
    server.daemon_threads = True
    if args.tls:
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*args.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    # GET /_state (no auth): what is left on the server and every request it got.
    original = server.RequestHandlerClass.do_GET

    def do_get(self) -> None:
        if self.path == "/_state":
            with state.lock:
                self._send(200, {"policies": sorted(state.policies), "data": state.data, "requests": state.log})
            return
        original(self)

    server.RequestHandlerClass.do_GET = do_get
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
