"""Rego evaluated on a remote OPA server through its REST API (`--opa-url`).

For teams that want the exact OPA their admission control runs. The session
uploads our Rego modules (`PUT /v1/policies/<prefix>/<file>`), plus one small
generated module per evaluator that wraps every rule with its parameters, and
asks one `POST /v1/data/compliance_scan/<run>/<wrapper>` per resource: the
wrapper only evaluates the rules the request selects, so that is one round trip
per resource. If that request fails (a rule raised a runtime error) each rule is
asked on its own so one broken rule becomes an `error` result, exactly as the
in-process engine does. Everything uploaded is deleted at the end unless `keep`.

A plain urllib client: four endpoints do not justify opa-python-client's tree
(requests, aiohttp, ...), whose policy upload silently rewrites rule heads
when OPA rejects v0 syntax and whose retries re-run failed evaluations.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EngineError
from ..model import Resource, Rule, Violation
from .rego import PolicySet, _violations, package_ref
from .rego_metadata import RegoModule

# What a scan uploads lives under this policy-id prefix and data path, per run.
POLICY_PREFIX = "compliance-scan"
WRAPPER_PACKAGE = "compliance_scan"
DATA_PATH = "compliance/scans"


@dataclass(frozen=True, slots=True)
class OpaSettings:
    """How to reach the server. Plain data: safe to pickle into scan workers."""

    url: str
    token: str | None = field(default=None, repr=False)  # never shown in messages
    ca_cert: Path | None = None
    timeout: float = 10.0
    keep: bool = False


class OpaClient:
    """The four OPA REST calls a scan needs, with errors turned into EngineError."""

    def __init__(self, settings: OpaSettings):
        parsed = urllib.parse.urlsplit(settings.url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise EngineError(f"--opa-url must be an http:// or https:// URL, got {settings.url!r}")
        self.settings = settings
        self.base = settings.url.rstrip("/")
        self._context: ssl.SSLContext | None = None
        if parsed.scheme == "https":
            try:
                self._context = ssl.create_default_context(
                    cafile=str(settings.ca_cert) if settings.ca_cert else None)
            except (OSError, ssl.SSLError) as exc:
                raise EngineError(f"--opa-ca-cert {settings.ca_cert}: cannot load: {exc}") from None
        elif settings.ca_cert:
            raise EngineError("--opa-ca-cert needs an https:// --opa-url")

    def request(self, method: str, path: str, body: object = None, *, text: str | None = None) -> dict:
        """Send one request; the decoded JSON answer ({} for an empty body).

        Raises:
            EngineError: server down, timeout, TLS failure, or an HTTP error (with OPA's message).
        """
        headers = {"Accept": "application/json"}
        data = None
        if text is not None:
            data, headers["Content-Type"] = text.encode(), "text/plain"
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        req = urllib.request.Request(f"{self.base}/{path.lstrip('/')}", data=data, headers=headers,
                                     method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.settings.timeout, context=self._context) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            raise OpaHTTPError(exc.code, _opa_message(exc.read())) from None
        except TimeoutError:
            raise EngineError(f"OPA at {self.base} did not answer within {self.settings.timeout:g}s "
                              "(--opa-timeout)") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise EngineError(f"OPA at {self.base} did not answer within {self.settings.timeout:g}s "
                                  "(--opa-timeout)") from None
            raise EngineError(f"cannot reach OPA at {self.base}: {reason}") from None
        except OSError as exc:
            raise EngineError(f"cannot reach OPA at {self.base}: {exc}") from None
        try:
            return json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise EngineError(f"OPA at {self.base} sent a non-JSON answer to {method} {path}") from None


class OpaHTTPError(EngineError):
    """OPA answered with an HTTP error status."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def _opa_message(raw: bytes) -> str:
    """OPA's error body ({code, message, errors: [{message, location}]}) as readable text."""
    try:
        body = json.loads(raw)
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
        self.client = OpaClient(settings)
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
            self._put_policy(f"{POLICY_PREFIX}/{self.run}/{module.path}", module.source, module.path,
                             v0=module.rego_v0)
            self._uploaded.add(module.path)

    def _put_policy(self, policy_id: str, source: str, shown: str, *, v0: bool = False) -> None:
        try:
            self.client.request("PUT", f"v1/policies/{urllib.parse.quote(policy_id)}", text=source)
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
            path = f"{DATA_PATH}/{self.run}/{name}/inventory"
            self.client.request("PUT", f"v1/data/{path}", inventory)
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
                    withs += f" with data.compliance.inventory as {inventory_ref}"
                lines += [f"{slot} := x if {{", f"\tinput.rules.{slot}",
                          f"\tx := {package_ref(rule.package)}.{entry}{withs}", "}", ""]
                slots.append((rule, entry))
        self._put_policy(f"{POLICY_PREFIX}/{self.run}/{name}.rego", "\n".join(lines), f"(generated {name})")
        return RemoteOpaEvaluator(self.client, f"{WRAPPER_PACKAGE}/{self.run}/{name}", slots)

    def close(self) -> None:
        """Delete what this run uploaded, unless settings.keep; cleanup failures are not fatal."""
        if self.client.settings.keep:
            return
        for policy_id in reversed(self._policy_ids):
            with contextlib.suppress(EngineError):  # best effort: the scan's results do not depend on it
                self.client.request("DELETE", f"v1/policies/{urllib.parse.quote(policy_id)}")
        if self._data_paths:  # the whole run's node, not only its leaves
            with contextlib.suppress(EngineError):
                self.client.request("DELETE", f"v1/data/{DATA_PATH}/{self.run}")
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
    """Same interface as RegoEvaluator; holds no connection, so it survives fork into workers."""

    def __init__(self, client: OpaClient, data_path: str, slots: list[tuple[Rule, str]]):
        self._client = client
        self._path = data_path
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
            answer = self._client.request("POST", f"v1/data/{self._path}",
                                          {"input": {"resource": resource.body, "rules": selected}})
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
                    answer = self._client.request("POST", f"v1/data/{self._path}/{slot}",
                                                  {"input": {"resource": resource.body, "rules": {slot: True}}})
                except OpaHTTPError as exc:
                    out[rule_id] = f"rule {rule_id} failed: {exc.message}"
                    break
                found.extend(_violations(answer.get("result")))
            else:
                out[rule_id] = found
        return out
