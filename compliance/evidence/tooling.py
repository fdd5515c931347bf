"""What produced the results: tool and engine versions, the rules with hashes, the effective config,
and what changed in them since the previous bundle (change-management evidence, SOC 2 CC8.1)."""

from __future__ import annotations

import importlib.metadata
import inspect
import platform
import sys
from pathlib import Path

from .. import __version__
from ..model import Rule
from ..reporters.json_report import rule_dict
from ._files import canonical_hash, sha256_file

# Packages whose versions decide results or the bundle's bytes.
PACKAGES = ("gordon-to-regorus", "pyyaml", "sarif-om", "cryptography", "typer", "rich")


def tool_info() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {"name": "compliance", "version": __version__, "python": platform.python_version(),
            "implementation": sys.implementation.name, "platform": platform.platform(terse=True),
            "packages": versions}


def rule_rows(rules: list[Rule], disabled: dict[str, str], *, hash_sources: bool) -> list[dict]:
    """Every rule with the hash of its definition (metadata + params) and, when scanned here, of its source."""
    rows = []
    for rule in sorted(rules, key=lambda r: r.id):
        data = rule_dict(rule)
        rows.append(dict(data, enabled=True, definition_sha256=canonical_hash(data),
                         source_sha256=_source_hash(rule) if hash_sources else None))
    for rule_id, reason in sorted(disabled.items()):
        rows.append({"id": rule_id, "enabled": False, "disabled_reason": reason})
    return rows


def library_hash(rows: list[dict]) -> str:
    """One hash for the whole rule set as used: ids, definitions, sources, what is switched off."""
    return canonical_hash([[r["id"], r.get("definition_sha256"), r.get("source_sha256"), r["enabled"]]
                           for r in rows])


def _source_hash(rule: Rule) -> str | None:
    path: Path | None = None
    if rule.engine == "rego" and rule.source:
        from ..resources import data_dir

        for candidate in (Path(rule.source), data_dir("rego").parent / rule.source):
            if candidate.is_file():
                path = candidate
                break
    elif rule.func is not None:
        found = inspect.getsourcefile(rule.func)
        path = Path(found) if found else None
    return sha256_file(path)[0] if path is not None else None


def config_document(settings, *, paths: list[str], frameworks: list[str], environment: str | None,
                    policy_dirs: list[Path], from_results: list[str]) -> dict:
    """The effective configuration of the build: what a re-performer needs to get the same results."""
    config_path = getattr(settings, "path", None)
    waivers = list(getattr(settings, "waivers", []) or [])
    return {
        "schema": "compliance/evidence-config/v1",
        "settings_file": config_path.as_posix() if config_path else None,
        "settings_file_sha256": sha256_file(config_path)[0] if config_path else None,
        "paths": list(paths),
        "from_results": list(from_results),
        "frameworks": list(frameworks),
        "environment": environment,
        "environments": [list(pair) for pair in getattr(settings, "environments", [])],
        "fail_on": settings.fail_on.value if getattr(settings, "fail_on", None) else None,
        "params": getattr(settings, "params", {}),
        "disabled_rules": getattr(settings, "disabled_rules", {}),
        "policy_dirs": [Path(p).as_posix() for p in policy_dirs],
        "waivers_configured": len(waivers),
        "max_waiver_days": getattr(settings, "max_waiver_days", None),
    }


def changes(previous_rules: list[dict] | None, rules: list[dict], previous_config: dict | None,
            config: dict) -> dict:
    """Rules added, removed and changed, and config keys changed, since the previous bundle."""
    if previous_rules is None:
        return {"schema": "compliance/evidence-changes/v1", "previous": None,
                "note": "no previous bundle given (--previous): nothing to compare"}
    old = {r["id"]: r for r in previous_rules}
    new = {r["id"]: r for r in rules}
    enabled_before = {i for i, r in old.items() if r.get("enabled", True)}
    enabled_now = {i for i, r in new.items() if r.get("enabled", True)}
    changed = []
    for rule_id in sorted(enabled_before & enabled_now):
        fields = sorted(k for k in set(old[rule_id]) | set(new[rule_id]) if old[rule_id].get(k) != new[rule_id].get(k))
        if fields:
            changed.append({"id": rule_id, "fields": fields,
                            "before": {k: old[rule_id].get(k) for k in fields},
                            "after": {k: new[rule_id].get(k) for k in fields}})
    previous_config = previous_config or {}
    config_changes = [{"key": k, "before": previous_config.get(k), "after": config.get(k)}
                      for k in sorted(set(previous_config) | set(config))
                      if previous_config.get(k) != config.get(k)]
    return {
        "schema": "compliance/evidence-changes/v1",
        "previous": True,
        "rules_added": sorted(set(new) - set(old)),
        "rules_removed": sorted(set(old) - set(new)),
        "rules_disabled": [{"id": i, "reason": new[i].get("disabled_reason")}
                           for i in sorted((enabled_before - enabled_now) & set(new))],
        "rules_enabled": sorted((enabled_now - enabled_before) & set(old)),
        "rules_changed": changed,
        "config_changed": config_changes,
    }
