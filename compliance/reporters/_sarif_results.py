"""SARIF results as plain dicts, built directly for the streamed writer (compliance/reporters/sarif.py).

sarif.build() makes sarif-om objects and sarif.to_dict() turns them into JSON values; for thousands
of results that was most of the writer's time. result_json() gives the same dict directly.
tests/test_streamed_reports.py and tests/test_json_writer_speed_paths.py compare the two (failed,
waived, rendered, standard-input and baseline results).
"""

from __future__ import annotations

from typing import Any

from ..fingerprint import fingerprint
from ..model import Result, Status, format_path
from ._locations import FINGERPRINT_KEY, Locator
from ._rule_text import LEVEL

SRCROOT = "%SRCROOT%"


def result_json(result: Result, rule_index: int, locator: Locator, seen: dict[str, int], *,
                baseline: bool) -> dict[str, Any]:
    """to_dict(sarif._result(...)), with baselineState when `baseline` (--baseline given).

    Args:
        result: a failed or waived result.
        rule_index: the rule's position in the run's rules.
        locator: places results and hashes their lines.
        seen: fingerprint -> how many results had it so far (updated).
        baseline: write baselineState ("unchanged" for a known failure, else "new").
    """
    place = locator.place(result)
    resource = result.resource
    key = fingerprint(result)
    seen[key] = seen.get(key, 0) + 1
    fingerprints = {FINGERPRINT_KEY: f"{key}:{seen[key]}"}
    line_hash = locator.line_hash(place)
    if line_hash:
        fingerprints["primaryLocationLineHash"] = line_hash
    properties: dict[str, Any] = {"resource": resource.id, "resourceType": resource.type,
                                  "severity": result.rule.severity.value}
    if result.path:
        properties["path"] = format_path(result.path)
    if resource.environment:
        properties["environment"] = resource.environment
    out: dict[str, Any] = {
        "level": LEVEL[result.rule.severity],
        "locations": [_drop_none({
            "physicalLocation": physical_json(place.uri, place.relative, place.start_line, place.end_line),
            "logicalLocations": [_drop_none({"fullyQualifiedName": resource.id, "kind": "resource"})]})],
        "message": {"text": f"{resource.id}: {result.message or result.rule.title}"},
        "partialFingerprints": fingerprints,
        "properties": properties,
        "ruleIndex": rule_index,
    }
    if result.rule.id is not None:
        out["ruleId"] = result.rule.id
    if place.rendered is not None:
        uri, relative, start, end = place.rendered
        out["relatedLocations"] = [{"id": 1, "physicalLocation": physical_json(uri, relative, start, end),
                                    "message": {"text": "rendered resource"}}]
    if result.status is Status.waived:
        fields = suppression_fields(result.waiver)
        out["suppressions"] = [_drop_none({"kind": "external", "status": "accepted", **fields})]
    if baseline:
        out["baselineState"] = "unchanged" if result.in_baseline else "new"
    return out


def physical_json(uri: str, relative: bool, start: int, end: int) -> dict[str, Any]:
    """to_dict(sarif._physical(...)): the artifact (relative to %SRCROOT% when `relative`) and the lines."""
    artifact = {"uri": uri, "uriBaseId": SRCROOT} if relative else {"uri": uri}
    return {"artifactLocation": _drop_none(artifact), "region": _drop_none({"startLine": start, "endLine": end})}


def suppression_fields(waiver: dict[str, Any] | None) -> dict[str, Any]:
    """A waiver's justification (its reason) and its other plain values as the suppression's properties."""
    waiver = waiver or {}
    reason = waiver.get("reason") or waiver.get("justification") or "waived"
    extra = {k: waiver[k] for k in sorted(waiver) if k not in ("reason", "justification")
             and isinstance(waiver[k], (str, int, float, bool))}
    return {"justification": str(reason), "properties": extra or None}


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    # to_dict leaves out a field that is None: never written as null.
    return values if None not in values.values() else {k: v for k, v in values.items() if v is not None}
