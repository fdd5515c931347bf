"""The @rule decorator: a Python rule is a plain function plus its metadata."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..model import AppliesTo, Rule, Severity

_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    title: str,
    description: str,
    severity: str,
    remediation: str,
    applies_to: dict[str, Any],
    environments: Iterable[str] = (),
    params: dict[str, Any] | None = None,
    references: Iterable[str] = (),
    needs_inventory: bool = False,
) -> Callable[[Callable], Callable]:
    """Register a function as a rule.

    The function is called as fn(resource, inventory=..., params=...) and yields
    Violation objects (or plain message strings). Its name, with _ as -, is the
    rule's slug.
    """

    def register(fn: Callable) -> Callable:
        if id in _REGISTRY:
            raise ValueError(f"rule id {id} registered twice ({_REGISTRY[id].source} and {fn.__module__})")
        _REGISTRY[id] = Rule(
            id=id,
            name=fn.__name__.replace("_", "-"),
            title=title,
            description=description,
            severity=Severity.parse(severity, where=f"rule {id}"),
            remediation=remediation,
            engine="python",
            applies_to=AppliesTo(applies_to.get("family"), tuple(applies_to.get("types", ()))),
            environments=tuple(environments),
            params=dict(params or {}),
            references=tuple(references),
            source=f"{fn.__module__}.{fn.__name__}",
            needs_inventory=needs_inventory,
            func=fn,
        )
        return fn

    return register


def registered() -> list[Rule]:
    return sorted(_REGISTRY.values(), key=lambda r: r.id)
