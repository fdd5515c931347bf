"""The JSON report: every result, passes included, in a stable order.

Same inputs give byte-identical output: keys are sorted, lists are ordered by
file, line, rule and resource, and no timestamp is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO

from .. import __version__
from ..model import Resource, Result, Rule, format_path
from ..scan import ScanReport
from ..summary import summarize

SCHEMA = "compliance/scan-report/v1"


def rule_dict(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "title": rule.title,
        "description": rule.description,
        "severity": rule.severity.value,
        "remediation": rule.remediation,
        "engine": rule.engine,
        "applies_to": {"family": rule.applies_to.family, "types": list(rule.applies_to.types)},
        "environments": list(rule.environments),
        "params": rule.params,
        "references": list(rule.references),
        "source": rule.source,
    }


def resource_dict(resource: Resource) -> dict:
    src = resource.source
    out = {
        "id": resource.id,
        "family": resource.family,
        "type": resource.type,
        "name": resource.name,
        "namespace": resource.namespace,
        "environment": resource.environment,
        "file": src.file,
        "start_line": src.start_line,
        "end_line": src.end_line,
    }
    if resource.api_version:
        out["api_version"] = resource.api_version
    if resource.address:
        out["address"] = resource.address
    if src.origin:
        out["origin"] = {k: getattr(src.origin, k) for k in ("kind", "file", "line", "detail")}
    return out


def result_dict(result: Result, controls: dict[str, list[str]] | None = None) -> dict:
    res = result.resource
    out = {
        "rule_id": result.rule.id,
        "rule": result.rule.name,
        "severity": result.rule.severity.value,
        "status": result.status.value,
        "resource": {"id": res.id, "type": res.type, "name": res.name, "namespace": res.namespace,
                     "environment": res.environment},
        "file": res.source.file,
        "line": result.line,
        "end_line": result.end_line,
        "path": format_path(result.path),
        "message": result.message,
        "controls": (controls or {}).get(result.rule.id, []),
    }
    if result.details:
        out["details"] = result.details
    if result.waiver:
        out["waiver"] = result.waiver
    if result.in_baseline:
        out["in_baseline"] = True
    return out


def render(report: ScanReport, stream: IO[str]) -> None:
    """Write the report as indented JSON with sorted keys.

    Streamed: the resources and results are serialized one at a time and written
    in batches, never held as one big document; the bytes are those that
    json.dump(document, indent=2, sort_keys=True, ensure_ascii=False) gives.
    """
    lists = {
        "resources": (resource_dict(r) for r in report.resources),
        "results": (result_dict(r, report.controls) for r in report.results),
    }
    formats = {"results": _result_text}
    document = {
        "schema": SCHEMA,
        "tool": {"name": "compliance", "version": __version__},
        "summary": summarize(report).as_dict(),
        "rules": [{**rule_dict(r), "controls": report.controls.get(r.id, [])} for r in report.rules],
        **{key: _marker(key) for key in lists},
        "frameworks": report.frameworks,
        "skipped": [{"path": s.path, "reason": s.reason, "line": s.line} for s in report.skipped],
        "errors": [{"path": i.path, "line": i.line, "message": i.message} for i in report.issues],
        "warnings": list(report.warnings),
        "waivers": report.waiver_register,
        "disabled_rules": report.disabled_rules,
    }
    if report.baseline_fixed is not None:
        document["baseline"] = {"fixed": report.baseline_fixed}
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    text = encoder.encode(document)
    # The skeleton holds one marker string per streamed list, at depth 1 ("  " indent).
    for key, items in sorted(lists.items(), key=lambda kv: text.index(encoder.encode(_marker(kv[0])))):
        head, _, text = text.partition(encoder.encode(_marker(key)))
        stream.write(head)
        _write_list(stream, items, encoder, fast=formats.get(key))
    stream.write(text)
    stream.write("\n")


def _marker(key: str) -> str:
    # A control character is always escaped by the encoder, so no real value can look like this.
    return f"\x00compliance:{key}\x00"


def _write_list(stream: IO[str], items: Iterable[dict], encoder: json.JSONEncoder, *,
                fast: Callable[[dict], str | None] | None = None, batch: int = 512) -> None:
    """A list value at depth 1, formatted exactly as the indenting encoder does: items at depth 2.

    `fast` formats an item of a known shape directly (None when it cannot); the others go
    through the encoder, whose pure-Python indenting code is several times slower.
    """
    chunk: list[str] = []
    first = True
    for item in items:
        text = fast(item) if fast is not None else None
        if text is None:
            text = encoder.encode(item).replace("\n", "\n    ")
        chunk.append(("[\n    " if first else ",\n    ") + text)
        first = False
        if len(chunk) >= batch:
            stream.write("".join(chunk))
            chunk.clear()
    chunk.append("[]" if first else "\n  ]")
    stream.write("".join(chunk))


_quote = json.encoder.encode_basestring  # what the encoder uses for str with ensure_ascii=False (C when built)
_RESULT_KEYS = ("controls", "end_line", "file", "line", "message", "path", "resource", "rule", "rule_id",
                "severity", "status")
_RESOURCE_KEYS = ("environment", "id", "name", "namespace", "type")


def _scalar(value: object) -> str:
    if type(value) is str:
        return _quote(value)
    if value is None:
        return "null"
    raise _Unusual


class _Unusual(Exception):
    """A value the direct formatter does not handle: the encoder formats that item."""


def _result_text(item: dict) -> str | None:
    """A result_dict at depth 2, byte for byte as json.dumps(indent=2, sort_keys=True) places it.

    Only the common shape (no details, no waiver; strings, None, ints); anything else returns
    None so the encoder formats it. tests/test_streamed_reports.py compares both on real reports.
    """
    if len(item) != len(_RESULT_KEYS) + ("in_baseline" in item) or "details" in item or "waiver" in item:
        return None
    try:
        controls = item["controls"]
        resource = item["resource"]
        line, end = item["line"], item["end_line"]
        if type(controls) is not list or type(resource) is not dict or len(resource) != len(_RESOURCE_KEYS) \
                or type(line) is not int or type(end) is not int:
            return None
        listed = ("[]" if not controls else
                  "[\n        " + ",\n        ".join(_scalar(c) if type(c) is str else _fail() for c in controls)
                  + "\n      ]")
        inner = ",\n        ".join(f'"{key}": {_scalar(resource[key])}' for key in _RESOURCE_KEYS)
        baseline = ',\n      "in_baseline": true' if item.get("in_baseline") is True else None
        if "in_baseline" in item and baseline is None:
            return None
        return "".join((
            '{\n      "controls": ', listed,
            ',\n      "end_line": ', int.__repr__(end),
            ',\n      "file": ', _scalar(item["file"]),
            baseline or "",
            ',\n      "line": ', int.__repr__(line),
            ',\n      "message": ', _scalar(item["message"]),
            ',\n      "path": ', _scalar(item["path"]),
            ',\n      "resource": {\n        ', inner, "\n      }",
            ',\n      "rule": ', _scalar(item["rule"]),
            ',\n      "rule_id": ', _scalar(item["rule_id"]),
            ',\n      "severity": ', _scalar(item["severity"]),
            ',\n      "status": ', _scalar(item["status"]),
            "\n    }",
        ))
    except (_Unusual, KeyError):
        return None


def _fail() -> str:
    raise _Unusual

