"""Baselines: record today's failures so CI fails only on new ones.

Findings are matched by fingerprint (rule, file, resource, field path), so a
resource moved within its file is still known.
"""

from __future__ import annotations

import json
from pathlib import Path

from ._atomic import atomic_text
from .errors import InputError
from .fingerprint import fingerprint
from .model import Result, Status

SCHEMA = "compliance/baseline/v1"


def write(results: list[Result], path: Path) -> int:
    entries = sorted(
        ({"fingerprint": fingerprint(r), "rule_id": r.rule.id, "resource": r.resource.id,
          "file": r.resource.source.file} for r in results if r.status is Status.failed),
        key=lambda e: (e["file"], e["rule_id"], e["resource"], e["fingerprint"]),
    )
    unique = list({e["fingerprint"]: e for e in entries}.values())
    try:
        # Re-creating a baseline overwrites it (that is the option's job), atomically and
        # never through a symbolic link (see _atomic).
        with atomic_text(path) as stream:
            stream.write(json.dumps({"schema": SCHEMA, "findings": unique}, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(unique)


def read(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: baseline is not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("findings"), list):
        raise InputError(f"{path}: not a compliance baseline (expected schema {SCHEMA})")
    return {e["fingerprint"]: e for e in data["findings"] if isinstance(e, dict) and "fingerprint" in e}


def apply(results: list[Result], known: dict[str, dict]) -> list[dict]:
    """Mark failures already in the baseline; return the baseline entries that are fixed now."""
    current = set()
    for result in results:
        if result.status is Status.failed:
            print_ = fingerprint(result)
            current.add(print_)
            result.in_baseline = print_ in known
    return [known[f] for f in sorted(known) if f not in current]
