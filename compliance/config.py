"""compliance.yaml: what a repository says about its own scan.

Every key is optional. Unknown keys and wrong types are errors naming the key
and its line; command-line flags override what the file says.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import _yaml_lines
from .errors import InputError
from .model import Severity

CONFIG_NAMES = ("compliance.yaml", "compliance.yml", ".compliance.yaml")

STARTER = """\
# compliance.yaml: settings for `compliance scan` in this repository. Every key is optional;
# command-line flags override them. Docs: `compliance --help`, README.md.

# Frameworks whose controls are reported (ids or aliases as in `compliance controls list`).
# frameworks: [pci, soc2, gdpr]

# A company's own framework catalogs (same format as the built-in controls/*.yaml).
# controls: [controls/acme-standard.yaml]

# Lowest severity that fails the scan: critical, high, medium, low, info.
fail_on: low

# Path globs (relative to this file) -> environment, checked before path segments and labels.
# environments:
#   "clusters/prod-*/**": production
#   "clusters/stg-*/**": staging

# Rule parameters, by rule id.
# params:
#   K8S-021: {allowed_registries: [registry.example.com]}

# Rules switched off, each with the reason (reported in every scan).
# disabled_rules:
#   K8S-010: CPU limits are set by the namespace LimitRange

# Extra Rego policy directories (relative to this file).
# policy_dirs: [policies]

# Python rule files (relative to this file). They run code, so they are loaded only when the
# scan is given --allow-python-rules.
# python_rules: [rules/team_labels.py]

# Approved exceptions. Each needs a reason, an owner, an approver, a ticket and an expiry date
# at most max_waiver_days ahead. More can live in waivers.yaml beside this file.
# max_waiver_days: 365
# waivers:
#   - rule: K8S-007
#     resource: Deployment/payments/legacy-*
#     reason: Vendor image writes to /var/cache; replacement tracked in PAY-812
#     owner: team-payments
#     approved_by: security-lead
#     ticket: PAY-812
#     expires: 2027-03-31
"""

_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "frameworks": list,
    "fail_on": str,
    "environments": dict,
    "params": dict,
    "disabled_rules": dict,
    "policy_dirs": list,
    "python_rules": list,
    "waivers": list,
    "waivers_file": str,
    "max_waiver_days": int,
    "max_file_size_mib": int,
    "controls": list,
    "engines": list,  # rego, python, checkov
    "opa": dict,  # url, timeout, ca_cert, keep: evaluate Rego on an OPA server (token: --opa-token only)
    "cache_dir": str,  # results cache directory (compliance.cache); refused inside the repository
    "checkov_python": str,  # interpreter that runs Checkov (--checkov-python); relative to this file
    "checkov_timeout": object,  # seconds for the whole Checkov run (a positive number: checked below)
}


@dataclass(slots=True)
class Config:
    path: Path | None = None
    frameworks: list[str] = field(default_factory=list)
    fail_on: Severity | None = None
    environments: list[tuple[str, str]] = field(default_factory=list)
    params: dict[str, dict] = field(default_factory=dict)
    disabled_rules: dict[str, str] = field(default_factory=dict)
    policy_dirs: list[Path] = field(default_factory=list)
    python_rules: list[Path] = field(default_factory=list)  # files; imported only with --allow-python-rules
    waivers: list[dict] = field(default_factory=list)  # raw entries, each with "_where"
    max_waiver_days: int = 365
    max_file_size_mib: int | None = None
    controls: list[Path] = field(default_factory=list)  # a company's own framework catalogs
    engines: list[str] = field(default_factory=list)
    opa: dict = field(default_factory=dict)  # validated keys: url, timeout, ca_cert (a Path), keep
    cache_dir: Path | None = None  # relative to this file; ~ expanded
    checkov_python: Path | str | None = None  # a Path, or a command name looked up on PATH
    checkov_timeout: float | None = None


def find(paths: list[str], explicit: Path | None) -> Path | None:
    """--config FILE, else compliance.yaml in the current directory or the first scanned directory."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"config file not found: {explicit}")
        return explicit
    candidates = [Path.cwd()] + [Path(p) for p in paths if p != "-" and Path(p).is_dir()]
    for directory in candidates:
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
    return None


def load(path: Path | None) -> Config:
    """Read and validate a config file (None gives the defaults)."""
    if path is None:
        return Config()
    shown = path.as_posix()
    try:
        data = _yaml_lines.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise InputError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return Config(path=path)
    if not isinstance(data, dict):
        raise InputError(f"{shown}:1: expected a mapping of settings")
    for key, value in data.items():
        where = f"{shown}:{_yaml_lines.line_of(data, key)}"
        if key not in _SCHEMA:
            raise InputError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(_SCHEMA))})")
        if not isinstance(value, _SCHEMA[key]) or isinstance(value, bool) and _SCHEMA[key] is int:
            raise InputError(f"{where}: {key} must be a {_SCHEMA[key].__name__}, "  # type: ignore[union-attr]
                             f"not {type(value).__name__}")
    base = path.parent
    cfg = Config(path=path)
    cfg.frameworks = [str(f) for f in data.get("frameworks", [])]
    if "fail_on" in data:
        try:
            cfg.fail_on = Severity.parse(data["fail_on"])
        except ValueError as exc:
            raise InputError(f"{shown}:{_yaml_lines.line_of(data, 'fail_on')}: {exc}") from None
    cfg.environments = [(str(k), str(v)) for k, v in data.get("environments", {}).items()]
    for rule_id, params in data.get("params", {}).items():
        if not isinstance(params, dict):
            raise InputError(f"{shown}:{_yaml_lines.line_of(data['params'], rule_id)}: "
                             f"params.{rule_id} must be a mapping of parameter to value")
        cfg.params[str(rule_id)] = _plain(params)
    for rule_id, reason in data.get("disabled_rules", {}).items():
        if not isinstance(reason, str) or not reason.strip():
            raise InputError(f"{shown}:{_yaml_lines.line_of(data['disabled_rules'], rule_id)}: "
                             f"disabled_rules.{rule_id} needs a reason")
        cfg.disabled_rules[str(rule_id)] = reason.strip()
    cfg.policy_dirs = [base / str(p) for p in data.get("policy_dirs", [])]
    cfg.python_rules = [base / str(m) for m in data.get("python_rules", [])]
    cfg.controls = [base / str(c) for c in data.get("controls", [])]
    cfg.max_waiver_days = data.get("max_waiver_days", 365)
    cfg.max_file_size_mib = data.get("max_file_size_mib")
    cfg.engines = [str(e) for e in data.get("engines", [])]
    cfg.opa = _opa(data.get("opa", {}), f"{shown}:{_yaml_lines.line_of(data, 'opa')}", base)
    if data.get("cache_dir"):
        cfg.cache_dir = base / Path(data["cache_dir"]).expanduser()
    if "checkov_python" in data:
        value = os.path.expanduser(data["checkov_python"])
        cfg.checkov_python = Path(os.path.normpath(base / value)) if os.sep in value else value
    if "checkov_timeout" in data:
        timeout = data["checkov_timeout"]
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            raise InputError(f"{shown}:{_yaml_lines.line_of(data, 'checkov_timeout')}: checkov_timeout must be "
                             f"a positive number of seconds, not {timeout!r}")
        cfg.checkov_timeout = float(timeout)
    for index, entry in enumerate(data.get("waivers", [])):
        cfg.waivers.append(_waiver_entry(entry, f"{shown}:{getattr(entry, 'line', '?')}", index))
    waivers_file = data.get("waivers_file")
    extra = base / waivers_file if waivers_file else base / "waivers.yaml"
    if waivers_file and not extra.is_file():
        raise InputError(f"{shown}:{_yaml_lines.line_of(data, 'waivers_file')}: waivers file not found: {extra}")
    if extra.is_file():
        cfg.waivers.extend(load_waivers_file(extra))
    return cfg


def _opa(value: dict, where: str, base: Path) -> dict:
    """The `opa:` block: url (str), timeout (number of seconds), ca_cert (path), keep (bool)."""
    types = {"url": str, "timeout": (int, float), "ca_cert": str, "keep": bool}
    out: dict = {}
    for key, item in value.items():
        if key not in types:
            raise InputError(f"{where}: unknown key opa.{key} (known: {', '.join(types)}; "
                             "the token is given with --opa-token or COMPLIANCE_OPA_TOKEN, never in this file)")
        if not isinstance(item, types[key]) or (key == "timeout" and (isinstance(item, bool) or item <= 0)):
            raise InputError(f"{where}: opa.{key} has an invalid value {item!r}")
        out[key] = base / item if key == "ca_cert" else item
    return out


def load_waivers_file(path: Path) -> list[dict]:
    shown = path.as_posix()
    try:
        data = _yaml_lines.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise InputError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if isinstance(data, dict):
        data = data.get("waivers", [])
    if not isinstance(data, list):
        raise InputError(f"{shown}:1: expected a list of waivers (or a mapping with a waivers: list)")
    return [_waiver_entry(e, f"{shown}:{getattr(e, 'line', '?')}", i) for i, e in enumerate(data)]


def _waiver_entry(entry: Any, where: str, index: int) -> dict:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: waiver #{index + 1} must be a mapping")
    plain = _plain(entry)
    plain["_where"] = where
    return plain


def _plain(value: Any) -> Any:
    """LineDicts back to plain dicts (and dates to ISO text) so they hash, pickle and dump simply."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
