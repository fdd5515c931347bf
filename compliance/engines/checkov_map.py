"""Checkov check ids -> our rules (controls/checkov-map.yml). No checkov import here.

The framework catalogs own the requirement -> rule mapping; a Checkov check gets the
requirements of the rules it is mapped to, so catalogs never list CKV ids by hand and
a company catalog that maps our rules covers Checkov's matching checks too.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .. import _yaml_lines
from ..errors import InputError
from ..model import Severity

_CKV_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_KEYS = {"same_as", "like", "severity"}


@dataclass(frozen=True, slots=True)
class CheckMapping:
    check: str
    same_as: tuple[str, ...] = ()  # our rules that find the same problem: de-duplicated against
    like: tuple[str, ...] = ()  # our rules of the same concept: their requirements, as supporting
    severity: Severity | None = None
    line: int = 0


def map_file() -> Path:
    from ..resources import data_dir

    # .yml, not .yaml: the catalog loader reads every controls/*.yaml as a framework.
    return data_dir("controls") / "checkov-map.yml"


def load_map(path: Path) -> dict[str, CheckMapping]:
    """Read and validate a mapping file.

    Raises:
        InputError: unreadable, invalid YAML, or a bad entry (named by file and line).
    """
    shown = path.as_posix()
    try:
        data = _yaml_lines.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"{shown}:{mark.line + 1 if mark else 1}: invalid YAML: "
                         f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("checks"), dict):
        raise InputError(f"{shown}:1: expected schema_version: 1 and a `checks:` mapping")
    out: dict[str, CheckMapping] = {}
    checks = data["checks"]
    for check, entry in checks.items():
        where = f"{shown}:{_yaml_lines.line_of(checks, check)}"
        if not isinstance(check, str) or not _CKV_ID.match(check):
            raise InputError(f"{where}: {check!r} is not a Checkov check id (CKV_..._N or CKV2_..._N)")
        if not isinstance(entry, dict) or set(entry) - _KEYS or not (entry.get("same_as") or entry.get("like")):
            raise InputError(f"{where}: {check}: expected a mapping with same_as and/or like "
                             f"(lists of rule ids) and optionally severity")
        lists = {}
        for key in ("same_as", "like"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"{where}: {check}.{key} must be a list of rule ids")
            lists[key] = tuple(value)
        try:
            severity = Severity.parse(entry["severity"]) if "severity" in entry else None
        except ValueError as exc:
            raise InputError(f"{where}: {check}: {exc}") from None
        out[check] = CheckMapping(check, lists["same_as"], lists["like"], severity,
                                  _yaml_lines.line_of(checks, check) or 0)
    return out


@lru_cache(maxsize=1)
def builtin_map() -> dict[str, CheckMapping]:
    """The shipped mapping, loaded once per process."""
    return load_map(map_file())


def extend_index(index: dict[str, list]) -> None:
    """Add every mapped Checkov check to a rule id -> [(requirement, mapping)] index, in place.

    A check gets the requirements of its same_as rules with their fit, and those of its like
    rules as `supporting`. Used by controls.Catalogs, so controls_for("CKV_K8S_16") works.
    """
    for mapping in builtin_map().values():
        seen: dict[str, int] = {}
        entries: list = []
        mapped_by_hand = {requirement.ref for requirement, _ in index.get(mapping.check, ())}
        for kind, rules in (("same", mapping.same_as), ("like", mapping.like)):
            for rule in rules:
                for requirement, m in index.get(rule, ()):
                    fit = m.fit if kind == "same" else "supporting"
                    why = (f"Checkov check for the same problem as {rule}" if kind == "same"
                           else f"Checkov check of the same concept as {rule}")
                    at = seen.get(requirement.ref)
                    if requirement.ref in mapped_by_hand:
                        continue  # a catalog that names the check itself wins
                    if at is None:
                        seen[requirement.ref] = len(entries)
                        entries.append((requirement, dataclasses.replace(m, rule=mapping.check, fit=fit, why=why)))
                    elif fit == "direct" and entries[at][1].fit != "direct":
                        entries[at] = (requirement, dataclasses.replace(m, rule=mapping.check, fit=fit, why=why))
        if entries:
            index.setdefault(mapping.check, []).extend(entries)
