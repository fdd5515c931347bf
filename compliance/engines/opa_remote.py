"""Rego evaluated on a remote OPA server through its REST API (`--opa-url`).

For teams that want the exact OPA their admission control runs. The session
uploads our Rego modules (`PUT /v1/policies/<prefix>/<file>`), plus one small
generated module per evaluator that wraps every rule with its parameters, and
asks one `POST /v1/data/compliance_scan/<run>/<wrapper>` per resource: the
wrapper only evaluates the rules the request selects, so that is one round trip
per resource. If that request fails (a rule raised a runtime error) each rule is
asked on its own so one broken rule becomes an `error` result, exactly as the
in-process engine does. Everything uploaded is deleted at the end unless `keep`.

The transport is opa-python-client (`opa_client.OpaClient`, the optional extra
`compliance[opa]`), imported only when a scan names a server, with its defaults
overridden where they would change what the user sees: `rego_compat=False` (it
would re-send a policy OPA rejects for v0 syntax with rewritten rule heads, and
OPA's message would be lost); `retries=0` (its urllib3 Retry re-sends PUT/DELETE
on 500/502/504 and failed connections, multiplying `--opa-timeout`; a failed
evaluation is asked again only by our per-rule fallback); its exceptions and
requests' become EngineError naming the server, the timeout or OPA's message.
What it cannot do is done on its requests session underneath, never with a
second HTTP stack: a CA file (`verify=path`; its `ssl` only says True), no
redirects, and a response hook for the HTTP status of answers it turns into
exceptions without one. A URL path prefix (a gateway at `https://host/opa`)
rides in its `version` argument (`opa/v1`); policy ids keep `/` but lose empty,
`.` and `..` segments (OPA's router redirects those paths) and are
percent-encoded before they reach it; it stores only JSON objects as data, so
the inventory goes in `{"inventory": [...], "inventory_index": {...}}`. One client per process: forked
scan workers must not share a session's pooled sockets.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
import ssl
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EngineError
from ..model import Resource, Rule, Violation
from .rego import PolicySet, _violations, package_ref
from .rego_data import inventory_index
from .rego_metadata import RegoModule

# What a scan uploads lives under this policy-id prefix and data path, per run.
POLICY_PREFIX = "compliance-scan"
WRAPPER_PACKAGE = "compliance_scan"
DATA_PATH = "compliance/scans"
INSTALL_HINT = "pip install 'compliance[opa]'"


@dataclass(frozen=True, slots=True)
class OpaSettings:
    """How to reach the server. Plain data: safe to pickle into scan workers."""

    url: str
    token: str | None = field(default=None, repr=False)  # never shown in messages
    ca_cert: Path | None = None
    timeout: float = 10.0
    keep: bool = False


class OpaHTTPError(EngineError):
    """OPA answered with an HTTP error status (None when the status is not known)."""

    def __init__(self, status: int | None, message: str):
        super().__init__(f"HTTP {status}: {message}" if status else message)
        self.status = status
        self.message = message


class OpaConnection:
    """The OPA REST calls a scan needs, on opa-python-client, with errors turned into EngineError."""

    def __init__(self, settings: OpaSettings):
        parsed = urllib.parse.urlsplit(settings.url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise EngineError(f"--opa-url must be an http:// or https:// URL, got {settings.url!r}")
        if parsed.username is not None or parsed.password is not None:
            # Not echoed: the URL holds a credential.
            raise EngineError("--opa-url must not contain a user or password: use --opa-token")
        if parsed.query or parsed.fragment:
            raise EngineError(f"--opa-url must not have a query or fragment, got {settings.url!r}")
        try:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
        except ValueError:
            raise EngineError(f"--opa-url has an invalid port: {settings.url!r}") from None
        if parsed.scheme == "https" and settings.ca_cert:
            try:  # load it once here so a bad file is named before anything is sent
                ssl.create_default_context(cafile=str(settings.ca_cert))
            except (OSError, ssl.SSLError) as exc:
                raise EngineError(f"--opa-ca-cert {settings.ca_cert}: cannot load: {exc}") from None
        elif settings.ca_cert:
            raise EngineError("--opa-ca-cert needs an https:// --opa-url")
        self.settings = settings
        self.base = settings.url.rstrip("/")
        host = parsed.hostname
        self._host = f"[{host}]" if ":" in host else host  # IPv6 literal, as it goes into the URL
        self._port = port
        self._https = parsed.scheme == "https"
        # opa-python-client builds <scheme><host>:<port>/<version>: a gateway prefix goes before v1.
        self._version = "/".join([*(p for p in parsed.path.split("/") if p), "v1"])
        self._client_class = _client_class()
        self._client: Any = None
        self._pid = 0
        self._last: Any = None  # the last HTTP response, for the status of errors raised without one

    def client(self) -> Any:
        """This process's opa_client.OpaClient (a new one after fork: sockets are not shared)."""
        if self._client is None or self._pid != os.getpid():
            client = self._client_class(host=self._host, port=self._port, version=self._version,
                                        ssl=self._https, token=self.settings.token,
                                        retries=0, timeout=self.settings.timeout)
            session = client._session
            if self.settings.ca_cert:
                # Its `ssl` can only say True. Given per request, not only as session.verify, because
                # requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a session's verify.
                session.verify = str(self.settings.ca_cert)
                session.request = functools.partial(session.request, verify=str(self.settings.ca_cert))
            # A redirect is not followed: requests would re-send a PUT without its body, turn a POST
            # into a GET, and could carry the resources to a host the user did not name.
            session.max_redirects = 0
            session.hooks["response"].append(self._remember)
            self._client, self._pid, self._last = client, os.getpid(), None
        return self._client

    def _remember(self, response: Any, *args: object, **kwargs: object) -> None:
        self._last = response

    def put_policy(self, policy_id: str, source: str) -> None:
        """Upload one module under this id, exactly as written (no v0 -> v1 rewrite)."""
        self._call("PUT", f"policies/{policy_id}", lambda c: c.update_policy_from_string(
            source, _quote(policy_id), rego_compat=False))

    def delete_policy(self, policy_id: str) -> None:
        """Remove one uploaded module."""
        self._call("DELETE", f"policies/{policy_id}", lambda c: c.delete_policy(_quote(policy_id)))

    def put_data(self, path: str, value: dict) -> None:
        """Create or replace the JSON object at /v1/data/<path>."""
        self._call("PUT", f"data/{path}", lambda c: c.update_or_create_data(value, path))

    def delete_data(self, path: str) -> None:
        """Remove the document at /v1/data/<path>."""
        self._call("DELETE", f"data/{path}", lambda c: c.delete_data(path))

    def query(self, package: str, rule: str | None, input_value: object) -> dict:
        """POST /v1/data/<package>[/<rule>] with this input; OPA's answer ({"result": ...} or {})."""
        shown = f"data/{package.replace('.', '/')}" + (f"/{rule}" if rule else "")
        answer = self._call("POST", shown, lambda c: c.query_rule(input_value, package, rule))
        if not isinstance(answer, dict):
            raise EngineError(f"OPA at {self.base} sent an unexpected answer to POST {shown}")
        return answer

    def _call(self, method: str, path: str, call: Callable[[Any], Any]) -> Any:
        """Run one client call; every failure becomes an EngineError that says what went wrong."""
        import requests
        from opa_client import errors as opa_errors

        client = self.client()
        self._last = None
        try:
            return call(client)
        except requests.TooManyRedirects as exc:
            response = exc.response
            where = response.headers.get("Location", "?") if response is not None else "?"
            status = response.status_code if response is not None else "3xx"
            raise EngineError(f"OPA at {self.base} answered {method} /{self._version}/{path} with a redirect "
                              f"(HTTP {status} to {where}), which is not followed: check --opa-url") from None
        except requests.HTTPError as exc:  # raise_for_status(): the response carries OPA's error body
            response = exc.response
            raise OpaHTTPError(response.status_code if response is not None else None,
                               _opa_message(response.content if response is not None else b"")) from None
        except opa_errors.RegoParseError as exc:  # any non-2xx answer to a PUT, with OPA's error body
            body = {"code": exc.expression, "message": exc.message, "errors": exc.errors}
            raise OpaHTTPError(self._status(), _opa_message(body)) from None
        except (opa_errors.DeletePolicyError, opa_errors.DeleteDataError) as exc:
            raise OpaHTTPError(self._status(), str(exc.message or exc.expression)) from None
        except (requests.exceptions.JSONDecodeError, json.JSONDecodeError):  # a proxy's HTML page, ...
            status = self._status()
            shown = f" (HTTP {status})" if status else ""
            raise EngineError(f"OPA at {self.base} sent a non-JSON answer{shown} to {method} "
                              f"/{self._version}/{path}") from None
        except (requests.RequestException, opa_errors.ConnectionsError, opa_errors.SSLError) as exc:
            raise self._transport_error(exc) from None

    def _status(self) -> int | None:
        return getattr(self._last, "status_code", None)

    def _transport_error(self, exc: BaseException) -> EngineError:
        import requests
        from urllib3 import exceptions as u3

        chain = list(_causes(exc))
        if any(isinstance(e, (requests.Timeout, u3.ReadTimeoutError, TimeoutError)) or
               (isinstance(e, u3.ConnectTimeoutError) and not isinstance(e, u3.NewConnectionError))
               for e in chain):
            return EngineError(f"OPA at {self.base} did not answer within {self.settings.timeout:g}s "
                               "(--opa-timeout)")
        tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
        if tls is not None or any(isinstance(e, (requests.exceptions.SSLError, u3.SSLError)) for e in chain):
            hint = " (--opa-ca-cert)" if "CERTIFICATE_VERIFY_FAILED" in str(tls) else ""
            return EngineError(f"TLS with OPA at {self.base} failed: {tls or exc}{hint}")
        # The root OSError says it plainly ("[Errno 111] Connection refused"); requests' wrapper
        # text repeats the pool, the URL and "Max retries exceeded" around it.
        root = next((e for e in reversed(chain) if type(e).__module__ in ("builtins", "socket", "http.client")),
                    None)
        return EngineError(f"cannot reach OPA at {self.base}: {root if root is not None else exc}")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """exc and what it wraps: urllib3's .reason, requests' first argument, __cause__/__context__."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [getattr(current, "reason", None), *current.args, current.__cause__, current.__context__]
        todo.extend(e for e in inner if isinstance(e, BaseException))


def _quote(policy_id: str) -> str:
    """The id as one URL path: '/' kept (OPA ids may contain it), everything else percent-encoded."""
    return urllib.parse.quote(policy_id, safe="/")


def _client_class() -> type:
    """opa_client.OpaClient, or an EngineError that says how to install it."""
    try:
        from opa_client import OpaClient
    except ImportError as exc:
        if exc.name == "opa_client":
            raise EngineError(f"--opa-url needs opa-python-client, which is not installed: {INSTALL_HINT}") from None
        # Installed but broken (a dependency missing): say what failed, the same command repairs it.
        raise EngineError(f"--opa-url needs opa-python-client, which cannot be imported ({exc}): "
                          f"{INSTALL_HINT}") from None
    return OpaClient


def _opa_message(raw: bytes | dict) -> str:
    """OPA's error body ({code, message, errors: [{message, location}]}) as readable text."""
    try:
        body = json.loads(raw) if isinstance(raw, bytes) else raw
    except ValueError:
        return raw.decode("utf-8", "replace").strip()[:500] or "(no message)"
    if not isinstance(body, dict):
        return str(body)[:500]
    lines = [str(body.get("message") or body.get("code") or "(no message)")]
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            loc = item.get("location") or {}
            where = f"{loc.get('file')}:{loc.get('row')}: " if loc.get("file") else ""
            lines.append(f"  {where}{item.get('code', '')}: {item.get('message', '')}".rstrip(": "))
    return "\n".join(lines)


class RemoteOpa:
    """One scan's uploads on an OPA server; use as a context manager so they are cleaned up."""

    def __init__(self, settings: OpaSettings):
        self.connection = OpaConnection(settings)
        self.run = f"run_{secrets.token_hex(6)}"
        self._policy_ids: list[str] = []
        self._data_paths: list[str] = []
        self._uploaded: set[str] = set()
        self._wrappers = 0

    def __enter__(self) -> RemoteOpa:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upload_modules(self, modules: Sequence[RegoModule]) -> None:
        """PUT each module not yet uploaded; a rejected module stops the scan with OPA's message."""
        for module in _dependencies_first(modules):
            if module.path in self._uploaded:
                continue
            self._put_policy(self._policy_id(module.path), module.source, module.path, v0=module.rego_v0)
            self._uploaded.add(module.path)

    def _policy_id(self, path: str) -> str:
        """A unique policy id under this run for a module path, with no empty, '.' or '..' segment.

        OPA's router (Go's ServeMux) answers a path that is not clean with a redirect to the cleaned
        one, so `/abs/policies/x.rego` or `../policies/x.rego` cannot go into the id as they are.
        """
        parts = ["..." if part == ".." else part for part in path.split("/") if part not in ("", ".")]
        base = f"{POLICY_PREFIX}/{self.run}/{'/'.join(parts)}"
        policy_id, count = base, 1
        while policy_id in self._policy_ids:
            count += 1
            policy_id = f"{base}~{count}"
        return policy_id

    def _put_policy(self, policy_id: str, source: str, shown: str, *, v0: bool = False) -> None:
        try:
            self.connection.put_policy(policy_id, source)
        except OpaHTTPError as exc:
            hint = ("\n(this module uses Rego v0 syntax: run OPA 1.x with --v0-compatible)"
                    if v0 and "rego_parse_error" in exc.message else "")
            raise EngineError(f"OPA rejected policy {shown}: {exc.message}{hint}") from None
        self._policy_ids.append(policy_id)

    def evaluator(self, policies: PolicySet, *, params: dict[str, dict] | None = None,
                  inventory: list[dict] | None = None) -> RemoteOpaEvaluator:
        """Upload the policies (and inventory) and a wrapper module for these rules."""
        self.upload_modules(policies.modules)
        self._wrappers += 1
        name = f"w{self._wrappers}"
        inventory_ref = None
        if inventory is not None:
            # The client stores only JSON objects, so the list goes in one: .../<wrapper>.inventory,
            # beside the index tf.of_type reads (null when there is none: the rules then walk).
            path = f"{DATA_PATH}/{self.run}/{name}"
            self.connection.put_data(path, {"inventory": inventory, "inventory_index": inventory_index(inventory)})
            self._data_paths.append(path)
            inventory_ref = "data." + path.replace("/", ".")
        slots: list[tuple[Rule, str]] = []
        lines = [f"package {WRAPPER_PACKAGE}.{self.run}.{name}", "", "import rego.v1", ""]
        for rule in policies.rules:
            merged = {**rule.params, **(params or {}).get(rule.id, {})}
            for entry in rule.entrypoints:
                slot = f"r{len(slots)}"
                withs = f" with input as input.resource with data.compliance.params as {json.dumps(merged)}"
                if inventory_ref:
                    withs += (f" with data.compliance.inventory as {inventory_ref}.inventory"
                              f" with data.compliance.inventory_index as {inventory_ref}.inventory_index")
                lines += [f"{slot} := x if {{", f"\tinput.rules.{slot}",
                          f"\tx := {package_ref(rule.package)}.{entry}{withs}", "}", ""]
                slots.append((rule, entry))
        self._put_policy(self._policy_id(f"{name}.rego"), "\n".join(lines), f"(generated {name})")
        return RemoteOpaEvaluator(self.connection, f"{WRAPPER_PACKAGE}.{self.run}.{name}", slots)

    def close(self) -> None:
        """Delete what this run uploaded, unless settings.keep; cleanup failures are not fatal."""
        if self.connection.settings.keep:
            return
        for policy_id in reversed(self._policy_ids):
            with contextlib.suppress(EngineError):  # best effort: the scan's results do not depend on it
                self.connection.delete_policy(policy_id)
        if self._data_paths:  # the whole run's node, not only its leaves
            with contextlib.suppress(EngineError):
                self.connection.delete_data(f"{DATA_PATH}/{self.run}")
        self._policy_ids.clear()
        self._data_paths.clear()
        self._uploaded.clear()


def _dependencies_first(modules: Sequence[RegoModule]) -> list[RegoModule]:
    """Modules ordered so a library comes before its users: OPA compiles every module on each PUT."""
    by_package: dict[str, list[RegoModule]] = {}
    for module in modules:
        by_package.setdefault(module.package, []).append(module)
    out: list[RegoModule] = []
    placed: set[str] = set()

    def place(module: RegoModule, visiting: frozenset[str]) -> None:
        if module.path in placed or module.path in visiting:
            return
        for package, users in by_package.items():
            if package != module.package and re.search(rf"\bdata\.{re.escape(package)}\b", module.source):
                for dep in users:
                    place(dep, visiting | {module.path})
        placed.add(module.path)
        out.append(module)

    for module in modules:
        place(module, frozenset())
    return out


class RemoteOpaEvaluator:
    """Same interface as RegoEvaluator; its connection makes a fresh client after fork into workers."""

    def __init__(self, connection: OpaConnection, package: str, slots: list[tuple[Rule, str]]):
        self._connection = connection
        self._package = package
        self._slots = slots
        self._by_rule: dict[str, list[str]] = {}
        for index, (rule, _entry) in enumerate(slots):
            self._by_rule.setdefault(rule.id, []).append(f"r{index}")

    def evaluate(self, resource: Resource, rules: Sequence[Rule]) -> dict[str, list[Violation] | str]:
        """Violations per rule id, or an error message for a rule that failed."""
        if not rules:
            return {}
        wanted = {rule.id: self._by_rule.get(rule.id, []) for rule in rules}
        selected = {slot: True for slots in wanted.values() for slot in slots}
        try:
            answer = self._connection.query(self._package, None, {"resource": resource.body, "rules": selected})
        except OpaHTTPError:
            return self._one_by_one(resource, wanted)
        values = answer.get("result") or {}
        return {rule_id: [v for slot in slots for v in _violations(values.get(slot))]
                for rule_id, slots in wanted.items()}

    def _one_by_one(self, resource: Resource, wanted: dict[str, list[str]]) -> dict[str, list[Violation] | str]:
        out: dict[str, list[Violation] | str] = {}
        for rule_id, slots in wanted.items():
            found: list[Violation] = []
            for slot in slots:
                try:
                    answer = self._connection.query(self._package, slot,
                                                    {"resource": resource.body, "rules": {slot: True}})
                except OpaHTTPError as exc:
                    out[rule_id] = f"rule {rule_id} failed: {exc.message}"
                    break
                found.extend(_violations(answer.get("result")))
            else:
                out[rule_id] = found
        return out
