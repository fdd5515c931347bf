"""Follow a plan's references through module variables and outputs to resources.

A plan's `configuration` states, per attribute, the names an expression refers
to (`aws_vpc.this[0].id`, `var.vpc_id`, `module.eks.cluster_arn`, `local.x`).
Resources of the same module instance are addresses already. The others are
followed the way Terraform would evaluate them:

- `var.x` inside a module: the calling `module` block's argument `x`
  (`module_calls.<name>.expressions.x`), read in the caller's module instance; a
  root variable, or an argument left to its default, is a value, not a resource.
- `module.child.out`: the child's `outputs.out.expression`, read in the child.
- `local.x`: the plan JSON carries no locals, so it cannot be followed. It is
  reported as unresolved, with the module instance it sits in, so a rule treats
  the link as unknown (never as a missing link, which would be a false finding).

`each.value` is unresolved like a local; `count`, `path`, `terraform` and `self` name no
other resource.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._terraform_common import resource_ref

_KEYS = re.compile(r"\[[^\]]*\]")
_FIRST_MODULE = re.compile(r"^module\.([^.\[]+)(\[[^\]]*\])?(?:\.([^.\[]+))?")
_NO_LINK = {"count", "path", "terraform", "self"}  # each: below
# Variables and outputs chained deeper than this are left unresolved: real plans chain a
# few, and the resolution recurses once per link.
MAX_CHAIN = 200
_Resolved = tuple[frozenset[str], frozenset[tuple[str, str]]]


@dataclass(slots=True)
class Followed:
    """What one attribute's expression leads to."""

    addresses: set[str] = field(default_factory=set)
    # {"scope": module instance address ("" for the root), "reference": what stopped there}
    unresolved: set[tuple[str, str]] = field(default_factory=set)


class ModuleTree:
    """The configuration's modules by path (names without instance keys)."""

    def __init__(self, configuration: dict):
        self.modules: dict[tuple[str, ...], dict] = {}
        self.calls: dict[tuple[str, ...], dict] = {}  # child path -> its module_calls entry
        self._memo: dict[tuple, _Resolved] = {}
        stack: list[tuple[tuple[str, ...], object]] = [((), configuration.get("root_module"))]
        while stack:
            path, module = stack.pop()
            if not isinstance(module, dict) or path in self.modules:
                continue
            self.modules[path] = module
            calls = module.get("module_calls")
            for name, call in (calls.items() if isinstance(calls, dict) else ()):
                if isinstance(call, dict) and isinstance(name, str):
                    self.calls[(*path, name)] = call
                    stack.append(((*path, name), call.get("module")))

    def resource_configs(self) -> dict[tuple, dict]:
        """Managed configuration resources by (module path without instance keys, type, name)."""
        out: dict[tuple, dict] = {}
        for path, module in self.modules.items():
            resources = module.get("resources")
            for res in resources if isinstance(resources, list) else ():
                if (isinstance(res, dict) and res.get("mode", "managed") == "managed"
                        and _scalar(res.get("type")) and _scalar(res.get("name"))):
                    out[(path, res.get("type"), res.get("name"))] = res
        return out

    def follow(self, expression: object, instance: tuple[tuple[str, str], ...]) -> Followed:
        """Resource addresses and unresolved names an expression of a module instance leads to.

        Args:
            expression: an attribute's expression in the plan's shape.
            instance: the module instance, as (name, instance key) pairs from the root:
                (("eks", ""), ("node_group", '["a"]')).
        """
        return self._follow_refs(_references(expression), instance)

    def _follow_refs(self, refs: list[str], instance: tuple[tuple[str, str], ...]) -> Followed:
        out = Followed()
        for ref in _wanted(refs):
            addresses, unresolved = self._resolve(ref, instance, set())
            out.addresses.update(addresses)
            out.unresolved.update(unresolved)
        return out

    def _resolve(self, ref: str, instance: tuple[tuple[str, str], ...], stack: set) -> _Resolved:
        # Memoised: every resource of a module asks about the same var.x, and a plan of
        # 10,000 resources would otherwise walk the same chains of calls again and again.
        key = (ref, instance)
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in stack:
            return frozenset(), frozenset()  # a cycle through variables and outputs: nothing more
        if len(stack) >= MAX_CHAIN:
            return frozenset(), frozenset({(_address(instance), _KEYS.sub("", ref))})
        stack.add(key)
        addresses: set[str] = set()
        unresolved: set[tuple[str, str]] = set()
        for sub, sub_instance in self._step(ref, instance, unresolved, addresses):
            a, u = self._resolve(sub, sub_instance, stack)
            addresses |= a
            unresolved |= u
        stack.discard(key)
        found = self._memo[key] = (frozenset(addresses), frozenset(unresolved))
        return found

    def _step(self, ref: str, instance: tuple[tuple[str, str], ...], unresolved: set,
              addresses: set) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
        """One step of evaluation: what `ref` stands for, as references to follow next."""
        path = tuple(name for name, _ in instance)
        prefix = _address(instance)
        head = ref.split(".", 1)[0].split("[", 1)[0]
        if head in _NO_LINK:
            return []
        if head == "local":
            unresolved.add((prefix, _KEYS.sub("", ref)))
            return []
        if head == "each":
            # each.value may carry a resource's id (for_each = { a = aws_vpc.a.id }): unknown too.
            if ref.startswith("each.value"):
                unresolved.add((prefix, "each.value"))
            return []
        if head == "var":
            parts = _KEYS.sub("", ref).split(".")
            if not instance or len(parts) < 2:
                return []  # a root variable holds a value given at plan time, not a resource
            call = self.calls.get(path, {})
            expressions = call.get("expressions") if isinstance(call.get("expressions"), dict) else {}
            if parts[1] not in expressions:
                return []  # not passed: the variable's default, a value
            return [(r, instance[:-1]) for r in _wanted(_references(expressions[parts[1]]))]
        if head == "module":
            match = _FIRST_MODULE.match(ref)
            if match is None:
                return []
            name, index, output = match.group(1), match.group(2) or "", match.group(3)
            if output is None:  # the whole module object: which output is used is unknown
                unresolved.add((prefix, f"module.{name}"))
                return []
            child = self.modules.get((*path, name))
            outputs = child.get("outputs") if isinstance(child, dict) else None
            spec = outputs.get(output) if isinstance(outputs, dict) else None
            child_instance = (*instance, (name, index))
            if not isinstance(spec, dict) or "expression" not in spec:
                unresolved.add((_address(child_instance), f"output.{output}"))
                return []
            return [(r, child_instance) for r in _wanted(_references(spec["expression"]))]
        target = resource_ref(ref)
        if target:
            addresses.add(f"{prefix}.{target}" if prefix else target)
        return []


def _wanted(refs: list[str]) -> list[str]:
    """The references to follow: Terraform lists `module.x.out` and `module.x` together, and
    the bare module object adds nothing when one of its outputs is named."""
    specific = {m.group(1) for r in refs if (m := _FIRST_MODULE.match(r)) and m.group(3)}
    out = []
    for ref in dict.fromkeys(refs):
        bare = _FIRST_MODULE.match(ref)
        if bare and not bare.group(3) and bare.group(1) in specific:
            continue
        out.append(ref)
    return out


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _address(instance: tuple[tuple[str, str], ...]) -> str:
    return ".".join(f"module.{name}{key}" for name, key in instance)


def instance_of(prefix: str) -> tuple[tuple[str, str], ...]:
    """`module.a["x"].module.b` -> (("a", '["x"]'), ("b", ""))."""
    out = []
    for match in re.finditer(r"module\.([^.\[]+)((?:\[[^\]]*\])?)", prefix):
        out.append((match.group(1), match.group(2)))
    return tuple(out)


def _references(expression: object) -> list[str]:
    found: list[str] = []
    _collect(expression, found)
    return found


def _collect(expr: object, out: list[str]) -> None:
    if isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list):
            out.extend(r for r in refs if isinstance(r, str))
            return
        for value in expr.values():
            if isinstance(value, (dict, list)):  # a scalar holds no reference: no call for it
                _collect(value, out)
    elif isinstance(expr, list):
        for value in expr:
            if isinstance(value, (dict, list)):
                _collect(value, out)


def follow_all(tree: ModuleTree, expressions: dict, prefix: str) -> tuple[dict[str, list[str]], dict[str, list[dict]]]:
    """Per attribute: the sorted resource addresses it refers to, and what could not be followed.

    Args:
        tree: the plan's configuration modules.
        expressions: a configuration resource's `expressions`.
        prefix: the resource's module instance address (`module.x[0]`, or "").
    """
    instance = instance_of(prefix)
    references: dict[str, list[str]] = {}
    unresolved: dict[str, list[dict]] = {}
    for attr, expr in expressions.items():
        refs = _references(expr)
        if not refs:  # most attributes are constants
            continue
        followed = tree._follow_refs(refs, instance)
        if followed.addresses:
            references[attr] = sorted(followed.addresses)
        if followed.unresolved:
            unresolved[attr] = [{"scope": s, "reference": r} for s, r in sorted(followed.unresolved)]
    return references, unresolved
