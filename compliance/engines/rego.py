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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PolicyError
from ..model import Resource, Rule, Violation
from .rego_data import inventory_index, modules_for, shared_params
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
    against every module on each call, which cost more than most rules themselves. They
    run in an engine of their family (Kubernetes, Terraform) holding only the modules
    they reach; the cross-resource evaluator also holds the inventory and its index.
    """

    def __init__(self, policies: PolicySet, *, params: dict[str, dict] | None = None,
                 inventory: list[dict] | None = None, families: Collection[str] | None = None):
        """families: the resource families the scan will meet (None: any). Engines and generated
        rules are prepared up front only for those; another family's rules still run, in the
        engine holding every module, their generated rule made when first needed."""
        self._params = params or {}
        self._families = None if families is None else frozenset(families)
        self._rules = list(policies.rules)
        effective = {r.id: {**r.params, **self._params.get(r.id, {})} for r in self._rules}
        # Rules that read only their own parameters see them in data.compliance.params
        # directly; the others get `with data.compliance.params as {...}`, which makes
        # the engine recompute shared helpers (containers, pod spec) for that rule.
        self._shared, self._shared_params = shared_params(policies.modules, self._rules, effective)
        self._effective = effective
        # The cross-resource evaluator (the one given the inventory) compiles only the modules its
        # rules can reach: the engine scans every module on each read of a data document
        # (data.compliance.inventory, params), so a dozen Terraform rules would otherwise pay for a
        # hundred Kubernetes ones. A scan makes it after compiling every module (a broken one has
        # stopped the scan by then); the per-resource evaluator keeps them all so that it does.
        modules = modules_for(policies.modules, self._rules) if inventory is not None else policies.modules
        engine = new_engine(modules, params=self._shared_params)
        if inventory is not None:
            data: dict = {"inventory": inventory}
            index = inventory_index(inventory)
            if index is not None:
                data["inventory_index"] = index
            engine.add_data({"compliance": data})
        # Engine per family of rules ("" for rules of no family, and the one holding every module,
        # which reports a broken module): the rules of a resource run in the engine of its family,
        # which holds only the modules those rules reach, for the same reason as above.
        self._engines: dict[str, Any] = {"": engine}
        if inventory is None:
            for family in sorted({r.applies_to.family for r in self._rules if r.applies_to.family}):
                if self._families is not None and family not in self._families:
                    continue
                reached = modules_for(modules, [r for r in self._rules if r.applies_to.family in (family, None, "")])
                if len(reached) < len(modules):
                    self._engines[family] = new_engine(reached, params=self._shared_params)
        self._generated = 0  # generated modules so far: each gets a package of its own
        self._queries: dict[tuple[str, ...], tuple[str, list[tuple[Rule, str]]]] = {}
        # (rule ids, digest of the body) -> what evaluate() returned. Manifests repeat (a fifth of a
        # real corpus are exact copies of another document), and the answer depends only on the
        # input body, the rules asked and the engines' params and data, all fixed per evaluator.
        self._memo: dict[tuple[tuple[str, ...], bytes], dict[str, list[Violation] | str]] = {}
        # rule ids -> its engine, the generated rule's path and its slots; None: asked as a query.
        self._batches: dict[tuple[str, ...], tuple[str, str, list[tuple[Rule, str]]] | None] = {}
        # Callers pass the rules that apply, per-resource and cross-resource ones apart.
        self._add_batches([*_rule_sets(self._rules, self._families),
                           *_rule_sets([r for r in self._rules if not r.needs_inventory], self._families),
                           *_rule_sets([r for r in self._rules if r.needs_inventory], self._families)])

    @property
    def _engine(self) -> Any:
        """The engine holding every module."""
        return self._engines[""]

    def _engine_of(self, rules: Sequence[Rule]) -> str:
        """The engine a set of rules runs in: its family's when it has one (the rules that apply to
        one resource are of its family or of none)."""
        families = {r.applies_to.family for r in rules if r.applies_to.family}
        family = families.pop() if len(families) == 1 else ""
        return family if family in self._engines else ""

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
        """Generate one rule per new set of rules, in one new module per engine: each is prepared once."""
        by_engine: dict[str, list[list[Rule]]] = {}
        seen: set[tuple[str, ...]] = set()
        for rules in rule_sets:
            key = tuple(r.id for r in rules)
            if rules and key not in self._batches and key not in seen:
                seen.add(key)
                by_engine.setdefault(self._engine_of(rules), []).append(rules)
        for target, sets in by_engine.items():
            self._add_module(target, sets)

    def _add_module(self, target: str, rule_sets: list[list[Rule]]) -> None:
        package = f"{_BATCH_PACKAGE}.g{self._generated}"
        lines = [f"package {package}", "", "import rego.v1", "", "ready := true"]
        added: dict[tuple[str, ...], tuple[str, str, list[tuple[Rule, str]]]] = {}
        for rules in rule_sets:
            name = f"b{len(added)}"
            body, slots = self._expressions(rules)
            outs = ", ".join(f"r{i}" for i in range(len(slots)))
            lines += ["", f"{name} := [{outs}] if {{", *(f"\t{expression}" for expression in body), "}"]
            added[tuple(r.id for r in rules)] = (target, f"data.{package}.{name}", slots)
        try:
            engine = self._engines[target].clone()
            engine.add_policy(f"<compliance: rules evaluated together {self._generated}>", "\n".join(lines) + "\n")
            engine.eval_rule_as_json(f"data.{package}.ready")  # prepares the engine now, before any fork
        except Exception:
            # Something a generated rule cannot say (a line over regorus's limit, say):
            # these sets are asked as queries, exactly as before.
            self._batches.update(dict.fromkeys(added))
            return
        finally:
            self._generated += 1
        self._engines[target] = engine
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
        batch = self._batches.get(key)
        engine = self._engines[batch[0] if batch is not None else self._engine_of(rules)]
        engine.set_input(body)
        try:
            if batch is not None:
                _target, path, slots = batch
                values = json.loads(engine.eval_rule_as_json(path))
                # "<undefined>" (a string) when some entrypoint has no value.
                values = values if isinstance(values, list) and len(values) == len(slots) else None
            else:
                query, slots = self._query(rules)
                bindings = self._eval(query, engine)
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
        """Each rule asked alone, of the input last set on the engine of these rules."""
        engine = self._engines[self._engine_of(rules)]
        out: dict[str, list[Violation] | str] = {}
        for rule in rules:
            query, _ = self._query([rule])
            try:
                bindings = self._eval(query, engine)
            except Exception as exc:
                out[rule.id] = f"rule {rule.id} failed: {_clean(exc)}"
                continue
            values = (bindings or {}).values()
            out[rule.id] = [v for value in values for v in _violations(value)]
        return out

    def _eval(self, query: str, engine: Any) -> dict | None:
        answer = json.loads(engine.eval_query_as_json(query))
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
def _rule_sets(rules: Sequence[Rule], wanted: Collection[str] | None = None) -> list[list[Rule]]:
    """Every distinct set of rules that can apply to one resource (family, type, environment),
    of the `wanted` families (None: all).

    Known up front, so every generated rule exists before pool workers fork.
    """
    families = sorted({r.applies_to.family for r in rules if r.applies_to.family and (
        wanted is None or r.applies_to.family in wanted)} | {""})
    types = sorted({t for r in rules for t in r.applies_to.types} | {""})
    environments = sorted({e for r in rules for e in r.environments}) + [None]
    seen: dict[tuple[str, ...], list[Rule]] = {}
    # Rule.applies, one condition at a time (family, then type, then environment), so each
    # narrows the list the next one reads: this runs for every type of every rule.
    for family in families:
        of_family = [r for r in rules if not r.applies_to.family or r.applies_to.family == family]
        for kind in types:
            of_kind = [r for r in of_family if not r.applies_to.types or kind in r.applies_to.types]
            for environment in environments:
                chosen = [r for r in of_kind if not r.environments or environment in r.environments]
                seen.setdefault(tuple(r.id for r in chosen), chosen)
    return list(seen.values())


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
