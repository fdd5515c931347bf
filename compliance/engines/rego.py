"""Rego evaluated in-process. The only module that imports regorus.

The engine is pinned (pyproject) and hidden behind RegoEvaluator so it can be
swapped without touching any other stage. All applicable rules of a resource are
evaluated in one query; only if that query errors are rules retried one by one,
so a broken rule becomes an `error` result and the others still report.
"""

from __future__ import annotations

import hashlib
import json
import marshal
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


def new_engine(modules: Iterable[RegoModule], *, params: dict | None = None):
    """A regorus engine with the modules added; errors name the file and line.

    Args:
        modules: the policies.
        params: data.compliance.params (default: empty).
    """
    import regorus

    engine = regorus.Engine()
    for module in modules:
        engine.set_rego_v0(module.rego_v0)
        try:
            engine.add_policy(module.path, module.source)
        except Exception as exc:  # regorus raises plain exceptions with file:line:col text
            raise PolicyError(f"cannot compile {module.path}:\n{_clean(exc)}") from None
    engine.set_rego_v0(False)
    engine.add_data({"compliance": {"params": params or {}}})
    return engine


def package_ref(package: str) -> str:
    parts = package.split(".")
    return "data" + "".join(f".{p}" if _IDENT.match(p) else f'["{p}"]' for p in parts)


class RegoEvaluator:
    """Evaluates Rego rules on one resource at a time. Belongs to the thread that made it.

    The rules that apply to a resource are evaluated together through one generated
    rule per distinct set of rules (`eval_rule`): a query would be parsed and analysed
    against every module on each call, which cost more than most rules themselves.
    """

    def __init__(self, policies: PolicySet, *, params: dict[str, dict] | None = None,
                 inventory: list[dict] | None = None):
        self._params = params or {}
        self._rules = list(policies.rules)
        effective = {r.id: {**r.params, **self._params.get(r.id, {})} for r in self._rules}
        # Rules that read only their own parameters see them in data.compliance.params
        # directly; the others get `with data.compliance.params as {...}`, which makes
        # the engine recompute shared helpers (containers, pod spec) for that rule.
        self._shared, self._shared_params = _shared_params(policies.modules, self._rules, effective)
        self._effective = effective
        self._engine = new_engine(policies.modules, params=self._shared_params)
        if inventory is not None:
            self._engine.add_data({"compliance": {"inventory": inventory}})
        self._queries: dict[tuple[str, ...], tuple[str, list[tuple[Rule, str]]]] = {}
        # (rule ids, digest of the body) -> what evaluate() returned. Manifests repeat (a fifth of a
        # real corpus are exact copies of another document), and the answer depends only on the
        # input body, the rules asked and this engine's params and data, all fixed per evaluator.
        self._memo: dict[tuple[tuple[str, ...], bytes], dict[str, list[Violation] | str]] = {}
        # rule ids -> the generated rule's path and its slots; None: the set is asked as a query.
        self._batches: dict[tuple[str, ...], tuple[str, list[tuple[Rule, str]]] | None] = {}
        # Callers pass the rules that apply, per-resource and cross-resource ones apart.
        self._add_batches([*_rule_sets(self._rules),
                           *_rule_sets([r for r in self._rules if not r.needs_inventory]),
                           *_rule_sets([r for r in self._rules if r.needs_inventory])])

    def _with(self, rule: Rule) -> str:
        if rule.id in self._shared or not (self._effective[rule.id] or self._shared_params):
            return ""
        return f" with data.compliance.params as {json.dumps(self._effective[rule.id], sort_keys=True)}"

    def _expressions(self, rules: Sequence[Rule]) -> tuple[list[str], list[tuple[Rule, str]]]:
        """`r<i> := <rule's entrypoint> [with its params]` for every entrypoint, and the (rule, entrypoint)
        each r<i> holds: the same for a query and for a generated rule."""
        expressions: list[str] = []
        slots: list[tuple[Rule, str]] = []
        for rule in rules:
            for entry in rule.entrypoints:
                expressions.append(f"r{len(slots)} := {package_ref(rule.package)}.{entry}{self._with(rule)}")
                slots.append((rule, entry))
        return expressions, slots

    def _query(self, rules: Sequence[Rule]) -> tuple[str, list[tuple[Rule, str]]]:
        key = tuple(r.id for r in rules)
        cached = self._queries.get(key)
        if cached is None:
            parts, slots = self._expressions(rules)
            # One expression per line: regorus refuses lines over 1,024 columns.
            cached = ("\n".join(parts), slots)
            self._queries[key] = cached
        return cached

    def _add_batches(self, rule_sets: list[list[Rule]]) -> None:
        """Generate one rule per new set of rules, in one new module: the engine is prepared once."""
        package = f"{_BATCH_PACKAGE}.g{len(self._batches)}"
        lines = [f"package {package}", "", "import rego.v1", "", "ready := true"]
        added: dict[tuple[str, ...], tuple[str, list[tuple[Rule, str]]]] = {}
        for rules in rule_sets:
            key = tuple(r.id for r in rules)
            if not rules or key in self._batches or key in added:
                continue
            name = f"b{len(added)}"
            body, slots = self._expressions(rules)
            outs = ", ".join(f"r{i}" for i in range(len(slots)))
            lines += ["", f"{name} := [{outs}] if {{", *(f"\t{expression}" for expression in body), "}"]
            added[key] = (f"data.{package}.{name}", slots)
        if not added:
            return
        try:
            engine = self._engine.clone()
            engine.add_policy(f"<compliance: rules evaluated together {len(self._batches)}>", "\n".join(lines) + "\n")
            engine.eval_rule_as_json(f"data.{package}.ready")  # prepares the engine now, before any fork
        except Exception:
            # Something a generated rule cannot say (a line over regorus's limit, say):
            # these sets are asked as queries, exactly as before.
            self._batches.update(dict.fromkeys(added))
            return
        self._engine = engine
        self._batches.update(added)

    def evaluate(self, resource: Resource, rules: Sequence[Rule]) -> dict[str, list[Violation] | str]:
        """Violations per rule id, or an error message for a rule that failed."""
        if not rules:
            return {}
        key = tuple(r.id for r in rules)
        body = resource.body
        digest = _digest(body) if MEMO_LIMIT > 0 else None
        if digest is not None:
            known = self._memo.get((key, digest))
            if known is not None:
                return dict(known)  # Violations are frozen; the lists are only read by callers
        found = self._evaluate(body, rules, key)
        if digest is not None:
            if len(self._memo) >= MEMO_LIMIT:
                del self._memo[next(iter(self._memo))]  # the oldest: copies tend to sit close together
            self._memo[(key, digest)] = found
            return dict(found)
        return found

    def _evaluate(self, body: dict, rules: Sequence[Rule], key: tuple[str, ...]) -> dict[str, list[Violation] | str]:
        if key not in self._batches:
            self._add_batches([list(rules)])
        self._engine.set_input(body)
        batch = self._batches.get(key)
        try:
            if batch is not None:
                path, slots = batch
                values = json.loads(self._engine.eval_rule_as_json(path))
                # "<undefined>" (a string) when some entrypoint has no value.
                values = values if isinstance(values, list) and len(values) == len(slots) else None
            else:
                query, slots = self._query(rules)
                bindings = self._eval(query)
                values = None if bindings is None else [bindings.get(f"r{i}") for i in range(len(slots))]
        except Exception:
            return self._one_by_one(rules)
        if values is None:
            # Some entrypoint is undefined (a complete rule with no value): ask each alone.
            return self._one_by_one(rules)
        out: dict[str, list[Violation] | str] = {r.id: [] for r in rules}
        for (rule, _entry), value in zip(slots, values, strict=True):
            found = out[rule.id]
            assert isinstance(found, list)
            found.extend(_violations(value))
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


_BATCH_PACKAGE = "compliance_engine_batch"
# Bodies whose results one evaluator remembers; ~1 KiB each at most, so a few MiB.
MEMO_LIMIT = 8192


def _digest(body: object) -> bytes | None:
    """A 128-bit hash of the body's exact value, or None when it cannot be had (never memoized).

    marshal format 2 writes no back-references, so equal values give equal bytes whatever
    objects they share, and it keeps types apart (1, 1.0, True, "1"; int and str keys).
    Dict order is kept too: the same mapping in another order only misses the memo.
    Anything marshal cannot write (a date from YAML, a recursive alias) raises ValueError.
    """
    try:
        return hashlib.blake2b(marshal.dumps(body, 2), digest_size=16).digest()
    except ValueError:
        return None
# A `data` reference a rule may make and still read its parameters from shared data:
# the rule library, the inventory, or one of its own parameters by name.
_REACHABLE = ("compliance.lib", "compliance.inventory", "compliance.params")
_DATA_REF = re.compile(r"\bdata\b")
_ALLOWED_REF = re.compile(r"data\.compliance\.(?:lib\.|inventory\b|params\.([A-Za-z_][A-Za-z0-9_]*)\b)")


def _reads(source: str) -> set[str] | None:
    """The parameter names a module reads through data.compliance.params.<name>, or None
    when it refers to `data` in any other way (the whole params object, another rule's
    package, an import of data itself): then it cannot share one params object."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    names: set[str] = set()
    for match in _DATA_REF.finditer(code):
        allowed = _ALLOWED_REF.match(code, match.start())
        if allowed is None:
            return None
        if allowed.group(1):
            names.add(allowed.group(1))
    return names


def _shared_params(modules: Sequence[RegoModule], rules: Sequence[Rule],
                   effective: dict[str, dict]) -> tuple[set[str], dict]:
    """Which rules can read their parameters from one shared data.compliance.params, and it.

    A rule qualifies when its module names only its own parameters (by key) and no
    other rule in the set needs a different value under the same key, so each rule
    sees exactly the values `with data.compliance.params as <its params>` would give.
    Library modules (no rule of this set) must not read parameters at all.
    """
    by_path = {m.path: m for m in modules}
    # What a qualifying rule can reach through `data`: the library (and anything
    # declared under the inventory or params paths); none of it may read parameters.
    for module in modules:
        if module.package.startswith(_REACHABLE) and _reads(module.source) != set():
            return set(), {}
    candidates: dict[str, Rule] = {}
    for rule in rules:
        module = by_path.get(rule.source)
        reads = _reads(module.source) if module is not None else None
        if reads is not None and reads <= set(effective[rule.id]):
            candidates[rule.id] = rule
    while True:
        shared: dict[str, object] = {}
        clash: set[str] = set()
        for rule_id in sorted(candidates):
            for name, value in effective[rule_id].items():
                if name in shared and shared[name] != value:
                    clash.add(name)
                shared.setdefault(name, value)
        losers = {i for i in candidates if clash & set(effective[i])}
        if not losers:
            return set(candidates), shared
        for rule_id in losers:
            del candidates[rule_id]


def _rule_sets(rules: Sequence[Rule]) -> list[list[Rule]]:
    """Every distinct set of rules that can apply to one resource (family, type, environment).

    Known up front, so every generated rule exists before pool workers fork.
    """
    families = sorted({r.applies_to.family for r in rules if r.applies_to.family} | {""})
    types = sorted({t for r in rules for t in r.applies_to.types} | {""})
    environments = sorted({e for r in rules for e in r.environments}) + [None]
    seen: dict[tuple[str, ...], list[Rule]] = {}
    for family in families:
        for kind in types:
            for environment in environments:
                probe = _Probe(family, kind, environment)
                chosen = [r for r in rules if r.applies(probe)]  # type: ignore[arg-type]
                seen.setdefault(tuple(r.id for r in chosen), chosen)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class _Probe:
    """What Rule.applies reads of a resource."""

    family: str
    type: str
    environment: str | None


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
