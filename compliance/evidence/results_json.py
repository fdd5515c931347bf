"""Read a JSON scan report (`compliance scan --format json`) back into a ScanReport.

CI runs of the period write these reports; the evidence build takes them as
runs instead of scanning again. The format is compliance/reporters/json_report.py
(schema compliance/scan-report/v1). Resource bodies are not in the report, so
resources read back have an empty body and no content hash.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import InputError
from ..model import AppliesTo, InputIssue, Origin, Resource, Result, Rule, Severity, Skipped, Source, Status
from ..scan import ScanReport

SCHEMA = "compliance/scan-report/v1"
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(text: str) -> tuple[str | int, ...]:
    """Invert model.format_path: spec.containers[0].image -> ("spec", "containers", 0, "image")."""
    return tuple(int(m[1]) if m[1] is not None else m[2] for m in _PATH_PART.finditer(text or ""))


def load_report(path: Path) -> tuple[ScanReport, dict]:
    """A ScanReport and the report's tool block from a JSON scan report file.

    Raises:
        InputError: the file is unreadable, not JSON, or not a scan report; the message names the file
            (and the line, for JSON syntax errors).
    """
    shown = path.as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{shown}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InputError(f"{shown}: not a JSON scan report (expected \"schema\": \"{SCHEMA}\"; "
                         "write one with `compliance scan --format json`)")
    try:
        return _report(document), dict(document.get("tool") or {})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{shown}: malformed scan report: {type(exc).__name__}: {exc}") from None


def _report(document: dict) -> ScanReport:
    rules = {r["id"]: _rule(r) for r in document.get("rules", [])}
    by_key: dict[tuple[str, str], list[Resource]] = {}
    resources = []
    for data in document.get("resources", []):
        # The report has no document index: number the resources sharing file and id (a Kustomize base
        # built through several overlays) so each keeps its own identity, as in the scan.
        group = by_key.setdefault((data["file"], data["id"]), [])
        resource = _resource(data, document=len(group))
        group.append(resource)
        resources.append(resource)
    results = []
    for row in document.get("results", []):
        rule = rules.get(row["rule_id"])
        if rule is None:
            raise ValueError(f"result names rule {row['rule_id']} that is not in rules")
        resource = _match(by_key, row)
        result = Result(rule, resource, Status(row["status"]), row.get("message", ""), parse_path(row.get("path", "")),
                        int(row.get("line") or 0), int(row.get("end_line") or 0), row.get("details"),
                        row.get("waiver"), bool(row.get("in_baseline")))
        results.append(result)
    files = {r.source.file for r in resources}
    return ScanReport(
        rules=sorted(rules.values(), key=lambda r: r.id),
        resources=resources,
        results=results,
        skipped=[Skipped(s["path"], s["reason"], s.get("line")) for s in document.get("skipped", [])],
        issues=[InputIssue(e["path"], e["message"], e.get("line")) for e in document.get("errors", [])],
        files_scanned=int((document.get("summary") or {}).get("files", len(files))),
        warnings=list(document.get("warnings", [])),
        waiver_register=list(document.get("waivers", [])),
        disabled_rules=dict(document.get("disabled_rules", {})),
        controls={r["id"]: list(r.get("controls") or []) for r in document.get("rules", [])},
        frameworks=list(document.get("frameworks", [])),
    )


def _rule(data: dict) -> Rule:
    applies = data.get("applies_to") or {}
    return Rule(
        id=data["id"], name=data.get("name", ""), title=data.get("title", ""),
        description=data.get("description", ""), severity=Severity.parse(data.get("severity", "info")),
        remediation=data.get("remediation", ""), engine=data.get("engine", ""),
        applies_to=AppliesTo(applies.get("family"), tuple(applies.get("types") or ())),
        environments=tuple(data.get("environments") or ()), params=dict(data.get("params") or {}),
        references=tuple(data.get("references") or ()), source=data.get("source", ""),
    )


def _resource(data: dict, *, document: int) -> Resource:
    origin = data.get("origin")
    source = Source(data["file"], int(data.get("start_line") or 0), int(data.get("end_line") or 0), document,
                    origin=Origin(origin["kind"], origin.get("file"), origin.get("line"), origin.get("detail"))
                    if origin else None)
    family = data.get("family") or ("terraform" if data.get("address") else "kubernetes")
    return Resource(family=family, type=data["type"], name=data.get("name", ""), id=data["id"], body={},
                    source=source, namespace=data.get("namespace"), api_version=data.get("api_version"),
                    address=data.get("address"), environment=data.get("environment"))


def _match(by_key: dict[tuple[str, str], list[Resource]], row: dict) -> Resource:
    found = by_key.get((row["file"], row["resource"]["id"]))
    if not found:
        raise ValueError(f"result for {row['resource']['id']} in {row['file']} names no listed resource")
    line = int(row.get("line") or 0)
    environment = (row.get("resource") or {}).get("environment")
    # One file may give the same object several times (documents, overlays): the environment and
    # the line span tell them apart.
    same_env = [r for r in found if r.environment == environment] or found
    return next((r for r in same_env if r.source.start_line <= line <= r.source.end_line), same_env[0])
