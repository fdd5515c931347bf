"""Built-in Python rules: rules that need cross-resource logic that reads badly in Rego.

Modules are listed here explicitly; importing them registers their rules.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path

from ..errors import PolicyError
from ..model import Rule
from .registry import registered

# User rule modules are imported under this package name, so their rules are
# told apart from the built-in ones by Rule.source.
USER_PACKAGE = "compliance_user_rules"

BUILTIN_MODULES = (
    "compliance.rules.kubernetes.pdb_missing",
    "compliance.rules.kubernetes.network_policy_missing",
    "compliance.rules.kubernetes.namespace_default_deny_missing",
    "compliance.rules.kubernetes.istio_mtls_not_strict",
    "compliance.rules.kubernetes.replicas_too_few",
    "compliance.rules.kubernetes.pdb_disruption_all_or_none",
    "compliance.rules.kubernetes.velero_backup_missing",
    "compliance.rules.kubernetes.chaos_experiment_unwindowed",
    "compliance.rules.kubernetes.readiness_probe_missing",
    "compliance.rules.kubernetes.service_account_token_automounted",
)


def builtin_rules() -> list[Rule]:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    return [r for r in registered() if r.source.startswith("compliance.rules.")]


def user_rules(files: list[Path]) -> list[Rule]:
    """Import Python rule files named in compliance.yaml and return the rules they register.

    This runs code from those files: callers only get here when the user allowed
    it with --allow-python-rules.

    Raises:
        PolicyError: a file is missing or fails to import.
    """
    prefixes = []
    for file in files:
        if not file.is_file():
            raise PolicyError(f"python rule file not found: {file}")
        name = _module_name(file)
        prefixes.append(name + ".")
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise PolicyError(f"cannot import python rule file {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        before = set(sys.modules)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise PolicyError(f"python rule file {file} failed to import: {type(exc).__name__}: {exc}") from None
        _HELPERS[name] = _own_sources(set(sys.modules) - before)
    return [r for r in registered() if r.source.startswith(tuple(prefixes))]


def user_rule_helpers(files: list[Path]) -> list[Path]:
    """The source files of the modules that Python rule files imported, outside the Python
    installation: the team's own helpers, which change what a rule decides as much as the rule
    file does (the results cache keys on them). Imports the rule files if they are not yet.

    Raises:
        PolicyError: as user_rules.
    """
    user_rules(files)
    found = {path for file in files for path in _HELPERS.get(_module_name(file), ())}
    return sorted(found)


# user rule module name -> the source files of the modules its import brought in (see user_rule_helpers)
_HELPERS: dict[str, list[Path]] = {}


def _module_name(file: Path) -> str:
    return f"{USER_PACKAGE}.{file.stem}_{hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]}"


def _own_sources(names: set[str]) -> list[Path]:
    """Source files of these modules that are not part of the Python installation (its standard
    library and installed packages, whose versions are another matter)."""
    installed = tuple({str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    out = set()
    for name in names:
        source = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(source, str) and source.endswith(".py"):
            path = Path(source).resolve()
            if not str(path).startswith(installed):
                out.add(path)
    return sorted(out)
