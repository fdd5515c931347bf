"""The shared vocabulary of every stage: Resource, Rule, Result, and their parts.

Each stage (discover, loaders, engines, waivers, controls, reporters) imports this
module and the stages above it, never the ones below.
"""

from __future__ import annotations

import pickle
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Path = tuple[str | int, ...]


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 ... info 0."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: object, *, where: str = "") -> Severity:
        try:
            return cls(str(value).lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            at = f" in {where}" if where else ""
            raise ValueError(f"invalid severity {value!r}{at}, expected one of: {choices}") from None


_SEVERITY_RANK = {
    Severity.critical: 4,
    Severity.high: 3,
    Severity.medium: 2,
    Severity.low: 1,
    Severity.info: 0,
}


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    error = "error"
    waived = "waived"


@dataclass(frozen=True, slots=True)
class Origin:
    """How a resource reached us when it did not come straight from a file.

    kind is "helm", "kustomize" or "terraform-plan"; `file` is where a developer
    fixes it (the chart template, the overlay patch, the .tf file) when known.
    """

    kind: str
    file: str | None = None
    line: int | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a resource was read: file relative to the scan root and its line span."""

    file: str
    start_line: int
    end_line: int
    document: int = 0
    # Where the resource sits inside its document: ("items", 3) for a List member.
    pointer: Path = ()
    origin: Origin | None = None


# Resources whose packed body is decoded, oldest first; at most DECODED_LIMIT stay decoded.
DECODED_LIMIT = 1024
_DECODED: deque[Resource] = deque()


@dataclass(slots=True, init=False, eq=False)
class Resource:
    """One checked thing: a Kubernetes object or a Terraform resource.

    `body` is the document as parsed. Once a resource has been evaluated, pack()
    keeps the body only as compressed bytes (a tenth of the memory of the dicts)
    and the next read of `body` decodes it again; at most DECODED_LIMIT bodies stay
    decoded at once, the oldest going back to bytes. A 10x corpus then fits in
    flat memory, while cross-resource rules, inline waivers and evidence hashes
    still read every body. Bodies are read-only after loading: a change made to
    a decoded body after pack() is not kept.
    """

    family: str
    type: str
    name: str
    id: str
    _body: dict[str, Any] | None
    source: Source
    namespace: str | None
    api_version: str | None
    address: str | None
    environment: str | None
    labels: dict[str, str]
    _packed: bytes | None = field(default=None, repr=False)
    # Every node's line span, packed (locate.Locator.outline), for resources that cross-resource
    # rules check: their findings are then located without composing the file again.
    outline: bytes | None = field(default=None, repr=False)
    # The object's own annotations under compliance.dev/ (inline waivers), read by the loader so
    # the waivers stage does not decode every body again; None: not read, look in the body.
    own_annotations: dict[str, Any] | None = field(default=None, repr=False)
    # Kept decoded: the cross-resource Rego rules copy every body of its family into their engine,
    # so packing it would only be undone (and cost a pool worker and the main process time).
    pinned: bool = field(default=False, repr=False)

    def __init__(self, family: str, type: str, name: str, id: str, body: dict[str, Any], source: Source,  # noqa: A002
                 namespace: str | None = None, api_version: str | None = None, address: str | None = None,
                 environment: str | None = None, labels: dict[str, str] | None = None,
                 own_annotations: dict[str, Any] | None = None):
        self.family = family
        self.type = type
        self.name = name
        self.id = id
        self._body = body
        self._packed = None
        self.source = source
        self.namespace = namespace
        self.api_version = api_version
        self.address = address
        self.environment = environment
        self.labels = {} if labels is None else labels
        self.outline = None
        self.own_annotations = own_annotations
        self.pinned = False

    @property
    def body(self) -> dict[str, Any]:
        """The document as parsed (decoded again from the packed bytes when released)."""
        body = self._body
        if body is None:
            if self._packed is None:
                body = self._body = {}
                return body
            # Our own bytes, made by pack() in this process or a forked worker: never read from disk.
            body = self._body = pickle.loads(zlib.decompress(self._packed))
            _DECODED.append(self)
            if len(_DECODED) > DECODED_LIMIT:
                # The oldest decoded body goes back to bytes only: reading every body (cross-resource
                # rules, waivers, evidence) never holds them all. It is decoded again if read again.
                oldest = _DECODED.popleft()
                if oldest._packed is not None:
                    oldest._body = None
        return body

    @body.setter
    def body(self, value: dict[str, Any]) -> None:
        self._body = value
        self._packed = None

    def pack(self) -> None:
        """Hold the body as compressed bytes only, until it is read again.

        Cheap when already packed (the decoded dicts are just dropped), so callers
        release bodies as soon as they are done with them. A no-op for a pinned resource.
        """
        if self.pinned:
            return
        if self._packed is None:
            if not self._body:
                return  # nothing worth packing ({} or never set)
            self._packed = zlib.compress(pickle.dumps(self._body, protocol=pickle.HIGHEST_PROTOCOL), 1)
        self._body = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return self._fields() == other._fields()

    def _fields(self) -> tuple:
        return (self.family, self.type, self.name, self.id, self.body, self.source, self.namespace,
                self.api_version, self.address, self.environment, self.labels)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    @property
    def key(self) -> tuple[str, int, str]:
        """Unique within a scan even when two files declare the same object."""
        return (self.source.file, self.source.document, self.id)


@dataclass(frozen=True, slots=True)
class AppliesTo:
    family: str | None = None
    types: tuple[str, ...] = ()

    def matches(self, resource: Resource) -> bool:
        if self.family and self.family != resource.family:
            return False
        return not self.types or resource.type in self.types


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule reports: a message and, where it knows it, the field path."""

    msg: str
    path: Path = ()
    details: dict[str, Any] | None = None


@dataclass(slots=True)
class Rule:
    """A check: metadata plus how it is evaluated (engine + a reference into it)."""

    id: str
    name: str
    title: str
    description: str
    severity: Severity
    remediation: str
    engine: str
    applies_to: AppliesTo = field(default_factory=AppliesTo)
    environments: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    references: tuple[str, ...] = ()
    source: str = ""
    # Rego: the package whose deny/violation/warn sets are read. Python: unused.
    package: str = ""
    entrypoints: tuple[str, ...] = ()
    needs_inventory: bool = False
    func: Callable[..., Any] | None = None

    def applies(self, resource: Resource) -> bool:
        if not self.applies_to.matches(resource):
            return False
        return not self.environments or resource.environment in self.environments


@dataclass(slots=True)
class Result:
    """The outcome of one rule on one resource."""

    rule: Rule
    resource: Resource
    status: Status
    message: str = ""
    path: Path = ()
    line: int = 0
    end_line: int = 0
    details: dict[str, Any] | None = None
    waiver: dict[str, Any] | None = None
    in_baseline: bool = False  # a known failure (--baseline): reported, does not fail the run

    def sort_key(self) -> tuple:
        src = self.resource.source
        return (src.file, self.line or src.start_line, src.document, self.rule.id,
                self.resource.id, format_path(self.path), self.message)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file, directory or document that was not scanned, and why."""

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class InputIssue:
    """A file that could not be read or parsed; the scan goes on without it."""

    path: str
    message: str
    line: int | None = None


def format_path(path: Path) -> str:
    """Render ("spec", "containers", 0, "image") as spec.containers[0].image."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else str(part))
    return "".join(out)
