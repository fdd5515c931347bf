"""Built-in Python rules: rules that need cross-resource logic that reads badly in Rego.

Modules are listed here explicitly; importing them registers their rules.
"""

from __future__ import annotations

import importlib

from ..model import Rule
from .registry import registered

BUILTIN_MODULES = (
    "compliance.rules.kubernetes.pdb_missing",
    "compliance.rules.kubernetes.network_policy_missing",
)


def builtin_rules() -> list[Rule]:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    return registered()
