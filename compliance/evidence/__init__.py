"""The quarterly auditor evidence bundle: build it, verify it, make signing keys.

One module per job: period (labels), runs (scan or CI results files), scope
(sources, inventory, reconciliation), tooling (versions, rules, config, changes),
exceptions (waivers register), oscal (assessment-results), report (HTML and
Markdown), manifest (manifest.json, SHA256SUMS), signing (Ed25519), build, verify.
"""

from __future__ import annotations

from .build import BuildOptions, Built, build
from .period import Period, parse_period
from .verify import Check, Verification, verify

__all__ = ["BuildOptions", "Built", "Check", "Period", "Verification", "build", "parse_period", "verify"]
