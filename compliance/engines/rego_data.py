"""What the Rego evaluator gives its engines beyond the policies.

The parameters rules can share; the inventory index `tf.of_type` reads
(rego/lib/terraform.rego); and the modules a set of rules can reach, all an engine
needs to hold. The last two keep a cross-resource Terraform rule's cost in proportion
to its few candidates, not to the whole scan or the whole rule library.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Rule
from .rego_metadata import RegoModule


def inventory_index(inventory: Sequence[object]) -> dict[str, dict[str, list[int]]] | None:
    """data.compliance.inventory_index: positions in the inventory by type, then by configuration.

    `tf.of_type` and `tf.all_of_type` (rego/lib/terraform.rego) look a resource's candidates
    up there instead of walking every resource of the scan for each one evaluated. Positions,
    not copies: the engine converts every value it is given, and the bodies are the bulk. A
    body with no `configuration` is filed under "" and one with no `type` is left out, as
    the walk treats them.

    Args:
        inventory: the bodies given as data.compliance.inventory, in that order.

    Returns:
        The index, or None when a body could not be filed so that a lookup finds exactly what
        the walk does (not an object, or a type or configuration that is not a string): the
        rules then walk the inventory.
    """
    index: dict[str, dict[str, list[int]]] = {}
    for position, body in enumerate(inventory):
        if not isinstance(body, dict):
            return None
        kind = body.get("type")
        configuration = body.get("configuration", "")
        if kind is None and "type" not in body:
            continue
        if not isinstance(kind, str) or not isinstance(configuration, str):
            return None
        index.setdefault(kind, {}).setdefault(configuration, []).append(position)
    return index


# `data` followed by the dotted path it names; a `data` preceded by `.` or a word character
# is a field (input.data) or part of a name. Strings and comments are no references.
_DATA_PATH = re.compile(r"(?<![\w.])data\b((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
_NOT_CODE = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|#[^\n]*')


def modules_for(modules: Sequence[RegoModule], rules: Sequence[Rule]) -> list[RegoModule]:
    """The modules that define `rules` and everything they can reach through `data`.

    A module is reached when a `data.a.b...` reference in a reached module names its package,
    something inside it, or a path above it, and every module of a reached package is reached
    (a package may span files). When a reached module uses `data` in a way that names no path
    (`data[x]`, `import data`) or a rule's module is unknown, every module is kept.

    Args:
        modules: all the policies, in engine order.
        rules: the rules to be evaluated.

    Returns:
        The modules to compile, in their original order.
    """
    sources = {r.source for r in rules}
    if not sources <= {m.path for m in modules}:
        return list(modules)
    by_package: dict[str, list[RegoModule]] = {}
    for module in modules:
        by_package.setdefault(module.package, []).append(module)
    reached: dict[str, list[str]] = {}  # a referenced path -> the packages it names

    def named(ref: str) -> list[str]:
        if ref not in reached:
            reached[ref] = [p for p in by_package if p == ref or ref.startswith(p + ".") or p.startswith(ref + ".")]
        return reached[ref]

    kept: set[str] = set()
    pending = [m for m in modules if m.path in sources]
    while pending:
        module = pending.pop()
        if module.path in kept:
            continue
        kept.add(module.path)
        packages = {module.package}
        for match in _DATA_PATH.finditer(_NOT_CODE.sub(" ", module.source)):
            if not match.group(1):
                return list(modules)
            packages.update(named(match.group(1)[1:]))
        pending.extend(m for package in packages for m in by_package[package] if m.path not in kept)
    return [m for m in modules if m.path in kept]


# A `data` reference a rule may make and still read its parameters from shared data:
# the rule library, the inventory (and its index), or one of its own parameters by name.
_REACHABLE = ("compliance.lib", "compliance.inventory", "compliance.params")
_DATA_REF = re.compile(r"\bdata\b")
_ALLOWED_REF = re.compile(
    r"data\.compliance\.(?:lib\.|inventory(?:_index)?\b|params\.([A-Za-z_][A-Za-z0-9_]*)\b)")


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


def shared_params(modules: Sequence[RegoModule], rules: Sequence[Rule],
                   effective: dict[str, dict]) -> tuple[set[str], dict]:
    """Which rules can read their parameters from one shared data.compliance.params, and it.

    A rule qualifies when its module names only its own parameters (by key) and no
    other rule in the set needs a different value under the same key, so each rule
    sees exactly the values `with data.compliance.params as <its params>` would give.
    Library modules (no rule of this set) must not read parameters at all.

    Args:
        modules: every policy module.
        rules: the rules to be evaluated.
        effective: each rule's parameters (its defaults with the configured values).

    Returns:
        The ids of the rules that share, and the params object they share.
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
