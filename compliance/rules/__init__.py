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
        digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
        name = f"{USER_PACKAGE}.{file.stem}_{digest}"
        prefixes.append(name + ".")
        if name in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(name, file)
        if spec is None or spec.loader is None:
            raise PolicyError(f"cannot import python rule file {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[name]
            raise PolicyError(f"python rule file {file} failed to import: {type(exc).__name__}: {exc}") from None
    return [r for r in registered() if r.source.startswith(tuple(prefixes))]
