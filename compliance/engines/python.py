"""Python rules: call the registered function, normalise what it yields."""

from __future__ import annotations

from ..inventory import Inventory
from ..model import Resource, Rule, Violation


def evaluate(rule: Rule, resource: Resource, *, inventory: Inventory | None,
             params: dict | None = None) -> list[Violation] | str:
    """Violations of one rule on one resource, or an error message if the rule raised."""
    assert rule.func is not None
    merged = {**rule.params, **(params or {})}
    try:
        out = []
        for item in rule.func(resource, inventory=inventory, params=merged) or ():
            out.append(item if isinstance(item, Violation) else Violation(str(item)))
        return out
    except Exception as exc:  # a buggy rule must not stop the scan
        return f"rule {rule.id} failed: {type(exc).__name__}: {exc}"
