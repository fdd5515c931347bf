"""Read rules out of Rego files: the package, its entrypoints and the `# METADATA` block.

Regorus has no `rego.metadata.*`, so the block is parsed here as YAML, which also
keeps metadata independent of whichever engine evaluates the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..errors import PolicyError
from ..model import AppliesTo, Rule, Severity

_PACKAGE = re.compile(r"^package\s+([A-Za-z_][\w.]*)", re.M)
_ENTRYPOINTS = ("deny", "violation", "warn")
# What only Rego v1 says: `import rego.v1`, `contains`, `if`. Two patterns, the import looked for only
# where the text holds it: one alternation tried at every position cost ten times as much.
_V1_IMPORT = re.compile(r"^\s*import\s+rego\.v1\b", re.M)
_V1_KEYWORDS = re.compile(r"\bcontains\b|\bif\s*\{|\bif\s+[a-z]")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
# libyaml's loader: the same documents as yaml.safe_load, a tenth of the time (every scan reads every block).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CUSTOM_KEYS = {"id", "severity", "remediation", "applies_to", "environments", "params", "references", "name"}


@dataclass(frozen=True, slots=True)
class RegoModule:
    path: str  # shown in messages and given to the engine
    source: str
    package: str
    rego_v0: bool


def parse_module(path: str, source: str) -> RegoModule:
    match = _PACKAGE.search(source)
    if not match:
        raise PolicyError(f"{path}: no `package` declaration")
    # Conftest policies written before Rego v1 (`deny[msg] { ... }`) must run unchanged.
    v0 = not (("rego.v1" in source and _V1_IMPORT.search(source)) or _V1_KEYWORDS.search(source))
    return RegoModule(path, source, match.group(1), v0)


def rules_of(module: RegoModule) -> list[Rule]:
    """The rules a module defines: one per METADATA'd package, or Conftest-style ones."""
    source = module.source
    # A plain substring test first: a multi-line regex tries every position of the file (a third
    # of the time it took to read the rule library went to looking for entrypoints a rule lacks).
    entrypoints = tuple(e for e in _ENTRYPOINTS if (source.startswith(e) or f"\n{e}" in source)
                        and re.search(rf"^{e}\b", source, re.M))
    if not entrypoints or module.package.endswith("_test"):
        return []
    meta, meta_line = _metadata_block(module)
    needs_inventory = "data.compliance.inventory" in module.source
    if meta is None:
        return [_conftest_rule(module, e, needs_inventory) for e in entrypoints]
    return [_rule_from_metadata(module, meta, meta_line, entrypoints, needs_inventory)]


def _metadata_block(module: RegoModule) -> tuple[dict | None, int]:
    lines = module.source.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != "# METADATA":
            continue
        body = []
        for nxt in lines[i + 1:]:
            if not nxt.startswith("#"):
                break
            body.append(nxt[2:] if nxt.startswith("# ") else nxt[1:])
        try:
            meta = _load_yaml("\n".join(body))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{module.path}:{i + 2 + mark.line}" if mark else module.path
            raise PolicyError(f"{where}: METADATA is not valid YAML: {getattr(exc, 'problem', exc)}") from None
        if not isinstance(meta, dict):
            raise PolicyError(f"{module.path}:{i + 1}: METADATA must be a mapping")
        if isinstance(meta.get("custom"), dict) and "id" in meta["custom"]:
            return meta, i + 1
    return None, 0


def _load_yaml(text: str) -> object:
    """The block's value. Invalid YAML is parsed again by the pure-Python loader, so the
    message and line a rule author sees are the ones yaml.safe_load has always given."""
    try:
        return yaml.load(text, Loader=_LOADER) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return yaml.safe_load(text) or {}  # raises, with PyYAML's own wording and mark


def _rule_from_metadata(module: RegoModule, meta: dict, line: int, entrypoints: tuple[str, ...],
                        needs_inventory: bool) -> Rule:
    where = f"{module.path}:{line}"
    custom = meta["custom"]
    unknown = set(custom) - _CUSTOM_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown METADATA custom field(s): {', '.join(sorted(unknown))}")
    rule_id = str(custom["id"])
    if not _ID.match(rule_id):
        raise PolicyError(f"{where}: invalid rule id {rule_id!r}")
    try:
        severity = Severity.parse(custom.get("severity", "medium"), where=where)
    except ValueError as exc:
        raise PolicyError(str(exc)) from None
    applies = custom.get("applies_to") or {}
    if not isinstance(applies, dict):
        raise PolicyError(f"{where}: applies_to must be a mapping with family and types")
    params = custom.get("params") or {}
    if not isinstance(params, dict):
        raise PolicyError(f"{where}: params must be a mapping of name to default value")
    title = str(meta.get("title") or rule_id)
    slug = custom.get("name") or module.package.rsplit(".", 1)[-1].replace("_", "-")
    return Rule(
        id=rule_id,
        name=str(slug),
        title=title,
        description=str(meta.get("description") or ""),
        severity=severity,
        remediation=str(custom.get("remediation") or ""),
        engine="rego",
        applies_to=AppliesTo(applies.get("family"), tuple(applies.get("types") or ())),
        environments=tuple(custom.get("environments") or ()),
        params=params,
        references=tuple(custom.get("references") or meta.get("related_resources") or ()),
        source=module.path,
        package=module.package,
        entrypoints=entrypoints,
        needs_inventory=needs_inventory,
    )


def _conftest_rule(module: RegoModule, entrypoint: str, needs_inventory: bool) -> Rule:
    # Conftest: deny/violation fail, warn only warns (info is below the default --fail-on).
    severity = Severity.info if entrypoint == "warn" else Severity.high
    return Rule(
        id=f"{module.package}.{entrypoint}",
        name=f"{module.package}.{entrypoint}",
        title=f"Policy {module.package} ({entrypoint})",
        description=f"Conftest-style `{entrypoint}` rule of package {module.package}.",
        severity=severity,
        remediation="",
        engine="rego",
        source=module.path,
        package=module.package,
        entrypoints=(entrypoint,),
        needs_inventory=needs_inventory,
    )
