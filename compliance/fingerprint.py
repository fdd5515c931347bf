"""Stable identity of a finding, shared by baselines and SARIF partialFingerprints.

Built from what a finding is (rule, file, resource, field path), never from
its line, so a finding keeps its fingerprint when lines shift around it.
"""

from __future__ import annotations

import hashlib

from .model import Result, format_path


def fingerprint(result: Result) -> str:
    res = result.resource
    # The message joins in only when there is no path: rules without paths (Conftest
    # strings) tell findings apart by text, while a path already names the field.
    where = format_path(result.path) if result.path else result.message
    basis = "\x1f".join((result.rule.id, res.source.file, res.id, where))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
