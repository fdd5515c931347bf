"""The JSON report: every result, passes included, in a stable order.

Same inputs give byte-identical output: keys are sorted, lists are ordered by
file, line, rule and resource, and no timestamp is written.
"""

from __future__ import annotations

import json
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
    document = {
        "schema": SCHEMA,
        "tool": {"name": "compliance", "version": __version__},
        "summary": summarize(report).as_dict(),
        "rules": [{**rule_dict(r), "controls": report.controls.get(r.id, [])} for r in report.rules],
        "resources": [resource_dict(r) for r in report.resources],
        "results": [result_dict(r, report.controls) for r in report.results],
        "frameworks": report.frameworks,
        "skipped": [{"path": s.path, "reason": s.reason, "line": s.line} for s in report.skipped],
        "errors": [{"path": i.path, "line": i.line, "message": i.message} for i in report.issues],
        "warnings": list(report.warnings),
        "waivers": report.waiver_register,
        "disabled_rules": report.disabled_rules,
    }
    if report.baseline_fixed is not None:
        document["baseline"] = {"fixed": report.baseline_fixed}
    json.dump(document, stream, indent=2, sort_keys=True, ensure_ascii=False)
    stream.write("\n")
