"""Rego evaluated in-process. The only module that imports regorus.

The engine is pinned (pyproject) and hidden behind RegoEvaluator so it can be
swapped without touching any other stage. All applicable rules of a resource are
evaluated in one query; only if that query errors are rules retried one by one,
so a broken rule becomes an `error` result and the others still report.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import PolicyError
from ..model import Resource, Rule, Violation
from .rego_metadata import RegoModule, parse_module, rules_of

# Regorus prints a Rust backtrace into every error message when this is 1.
os.environ["RUST_BACKTRACE"] = "0"

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(slots=True)
class PolicySet:
    """Rego modules and the rules they define. Plain data: safe to pickle to workers."""

    modules: list[RegoModule]
    rules: list[Rule]


def load_policies(directories: Sequence[Path], *, labels: Sequence[str] | None = None) -> PolicySet:
    """Read every non-test .rego file under the directories.

    Args:
        directories: policy roots; files are named relative to their root.
        labels: how each root is shown in paths (default: the directory path).

    Raises:
        PolicyError: a file is unreadable, lacks a package, has invalid METADATA,
            or two rules share an id.
    """
    modules: list[RegoModule] = []
    for index, directory in enumerate(directories):
        if not directory.is_dir():
            raise PolicyError(f"policy directory not found: {directory}")
        label = labels[index] if labels else directory.as_posix()
        for file in sorted(directory.rglob("*.rego")):
            if file.name.endswith("_test.rego"):
                continue
            rel = f"{label}/{file.relative_to(directory).as_posix()}"
            try:
                source = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise PolicyError(f"{rel}: cannot read policy: {exc}") from None
            modules.append(parse_module(rel, source))
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for module in modules:
        for rule in rules_of(module):
            if rule.id in seen:
                raise PolicyError(f"rule id {rule.id} is defined twice: {seen[rule.id]} and {rule.source}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return PolicySet(modules, rules)


def new_engine(modules: Iterable[RegoModule]):
    """A regorus engine with the modules added; errors name the file and line."""
    import regorus

    engine = regorus.Engine()
    for module in modules:
        engine.set_rego_v0(module.rego_v0)
        try:
            engine.add_policy(module.path, module.source)
        except Exception as exc:  # regorus raises plain exceptions with file:line:col text
            raise PolicyError(f"cannot compile {module.path}:\n{_clean(exc)}") from None
    engine.set_rego_v0(False)
    engine.add_data({"compliance": {"params": {}}})
    return engine


def package_ref(package: str) -> str:
    parts = package.split(".")
    return "data" + "".join(f".{p}" if _IDENT.match(p) else f'["{p}"]' for p in parts)


class RegoEvaluator:
    """Evaluates Rego rules on one resource at a time. Belongs to the thread that made it."""

    def __init__(self, policies: PolicySet, *, params: dict[str, dict] | None = None,
                 inventory: list[dict] | None = None):
        self._engine = new_engine(policies.modules)
        if inventory is not None:
            self._engine.add_data({"compliance": {"inventory": inventory}})
        self._params = params or {}
        self._queries: dict[tuple[str, ...], tuple[str, list[tuple[Rule, str]]]] = {}

    def _query(self, rules: Sequence[Rule]) -> tuple[str, list[tuple[Rule, str]]]:
        key = tuple(r.id for r in rules)
        cached = self._queries.get(key)
        if cached is None:
            parts, slots = [], []
            for rule in rules:
                params = {**rule.params, **self._params.get(rule.id, {})}
                for entry in rule.entrypoints:
                    expr = f"r{len(slots)} := {package_ref(rule.package)}.{entry}"
                    if params:
                        expr += f" with data.compliance.params as {json.dumps(params, sort_keys=True)}"
                    parts.append(expr)
                    slots.append((rule, entry))
            # One expression per line: regorus refuses lines over 1,024 columns.
            cached = ("\n".join(parts), slots)
            self._queries[key] = cached
        return cached

    def evaluate(self, resource: Resource, rules: Sequence[Rule]) -> dict[str, list[Violation] | str]:
        """Violations per rule id, or an error message for a rule that failed."""
        if not rules:
            return {}
        self._engine.set_input(resource.body)
        query, slots = self._query(rules)
        try:
            bindings = self._eval(query)
        except Exception:
            return self._one_by_one(rules)
        if bindings is None:
            # Some entrypoint is undefined (a complete rule with no value): ask each alone.
            return self._one_by_one(rules)
        out: dict[str, list[Violation] | str] = {r.id: [] for r in rules}
        for index, (rule, _entry) in enumerate(slots):
            found = out[rule.id]
            assert isinstance(found, list)
            found.extend(_violations(bindings.get(f"r{index}")))
        return out

    def _one_by_one(self, rules: Sequence[Rule]) -> dict[str, list[Violation] | str]:
        out: dict[str, list[Violation] | str] = {}
        for rule in rules:
            query, _ = self._query([rule])
            try:
                bindings = self._eval(query)
            except Exception as exc:
                out[rule.id] = f"rule {rule.id} failed: {_clean(exc)}"
                continue
            values = (bindings or {}).values()
            out[rule.id] = [v for value in values for v in _violations(value)]
        return out

    def _eval(self, query: str) -> dict | None:
        answer = json.loads(self._engine.eval_query_as_json(query))
        result = answer.get("result") or []
        return result[0].get("bindings", {}) if result else None


def _violations(value: object) -> list[Violation]:
    """Normalise what a deny/violation/warn set holds: strings or {msg, path, details}."""
    if value is None or value is False:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(Violation(item))
        elif isinstance(item, dict):
            msg = item.get("msg", item.get("message"))
            path = item.get("path") or ()
            if isinstance(path, str):
                path = tuple(p for p in re.split(r"[.\[\]]", path) if p)
            details = item.get("details") if isinstance(item.get("details"), dict) else None
            out.append(Violation(str(msg) if msg is not None else json.dumps(item, sort_keys=True),
                                 tuple(path) if isinstance(path, (list, tuple)) else (), details))
        elif item is True:
            out.append(Violation("policy denied the resource"))
    return out


def _clean(exc: BaseException) -> str:
    text = str(exc).strip()
    return "\n".join(line for line in text.splitlines() if line.strip())
