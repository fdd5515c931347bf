"""SARIF results as plain dicts, built directly for the streamed writer (compliance/reporters/sarif.py).

sarif.build() makes sarif-om objects and sarif.to_dict() turns them into JSON values; for thousands
of results that was most of the writer's time. result_json() gives the same dict directly, and
result_text() its JSON text (what the streamed writer writes), formatted without the encoder.
tests/test_streamed_reports.py and tests/test_json_writer_speed_paths.py compare the writer with
sarif.build() (failed, waived, rendered, standard-input and baseline results), and
tests/test_sarif_speed_paths.py result_text() with the encoded result_json().
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
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
    fingerprints, properties = identity(result, place, locator, seen)
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


def identity(result: Result, place: Any, locator: Locator,
             seen: dict[str, int]) -> tuple[dict[str, str], dict[str, Any]]:
    """A result's partialFingerprints and properties, the same for both SARIF builders.

    The fingerprint is the key baselines use (compliance.fingerprint); two findings with the
    same identity are told apart by their order, which line shifts do not change.
    """
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
    return fingerprints, properties


# The streamed writer's encoder; encode_basestring is the string escaper it uses (ensure_ascii off).
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def _value(value: Any) -> str:
    """_ENCODE(value), with the usual types (str, int) formatted without going through the encoder."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    return int.__repr__(value) if kind is int else _ENCODE(value)


def result_text(result: Result, rule_index: int, locator: Locator, seen: dict[str, int], *,
                baseline: bool) -> str:
    """_ENCODE(result_json(...)) (sorted keys, compact), formatted directly.

    Building the dict and encoding it took a third of the writer's time. Same arguments as
    result_json(); the keys are written here in the order the encoder sorts them.
    """
    place = locator.place(result)
    resource = result.resource
    rule = result.rule
    key = fingerprint(result)
    seen[key] = count = seen.get(key, 0) + 1
    line_hash = locator.line_hash(place)
    parts = []
    if baseline:
        parts.append('"baselineState":"unchanged"' if result.in_baseline else '"baselineState":"new"')
    parts.append(f'"level":{_value(LEVEL[rule.severity])}')
    logical = ('"kind":"resource"' if resource.id is None
               else f'"fullyQualifiedName":{_value(resource.id)},"kind":"resource"')
    physical = physical_text(place.uri, place.relative, place.start_line, place.end_line)
    parts.append(f'"locations":[{{"logicalLocations":[{{{logical}}}],"physicalLocation":{physical}}}]')
    parts.append(f'"message":{{"text":{_value(f"{resource.id}: {result.message or rule.title}")}}}')
    hashes = f'"compliance/v1":{_value(f"{key}:{count}")}'
    if line_hash:
        hashes += f',"primaryLocationLineHash":{_value(line_hash)}'
    parts.append(f'"partialFingerprints":{{{hashes}}}')
    properties = []
    if resource.environment:
        properties.append(f'"environment":{_value(resource.environment)}')
    if result.path:
        properties.append(f'"path":{_value(format_path(result.path))}')
    properties.append(f'"resource":{_value(resource.id)},"resourceType":{_value(resource.type)},'
                      f'"severity":{_value(rule.severity.value)}')
    parts.append(f'"properties":{{{",".join(properties)}}}')
    if place.rendered is not None:
        uri, relative, start, end = place.rendered
        parts.append(f'"relatedLocations":[{{"id":1,"message":{{"text":"rendered resource"}},'
                     f'"physicalLocation":{physical_text(uri, relative, start, end)}}}]')
    if rule.id is not None:
        parts.append(f'"ruleId":{_value(rule.id)}')
    parts.append(f'"ruleIndex":{_value(rule_index)}')
    if result.status is Status.waived:
        fields = suppression_fields(result.waiver)
        parts.append(f'"suppressions":{_ENCODE([_drop_none({"kind": "external", "status": "accepted", **fields})])}')
    return "{" + ",".join(parts) + "}"


def physical_text(uri: str, relative: bool, start: int, end: int) -> str:
    """_ENCODE(physical_json(...)), formatted directly."""
    if uri is None or start is None or end is None:  # never from a Locator; the dict's way leaves them out
        return _ENCODE(physical_json(uri, relative, start, end))
    artifact = (f'{{"uri":{_value(uri)},"uriBaseId":"{SRCROOT}"}}' if relative else f'{{"uri":{_value(uri)}}}')
    return f'{{"artifactLocation":{artifact},"region":{{"endLine":{_value(end)},"startLine":{_value(start)}}}}}'


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
