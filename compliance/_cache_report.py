"""A finished ScanReport to plain JSON data and back, for the whole-run entries of compliance.cache.

Everything a reporter reads is kept (rules with their metadata, resources with their source and
origin, results with waivers and details, skipped files, input errors, warnings, the waiver
register, controls, frameworks); resource bodies are not, so no secret value is ever stored.

The results are columns of small integers (rule, resource, status, message, path, line, end line)
that index tables of the distinct rules, statuses, messages and paths, plus a sparse list of the
few results with details, a waiver or a baseline mark. A 25,000-result report is then about a
third of its row-per-result size, and reading it back (a cache hit) costs a quarter as much.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .model import AppliesTo, InputIssue, Origin, Resource, Result, Rule, Severity, Skipped, Source, Status

if TYPE_CHECKING:
    from .scan import ScanReport

_RULE_FIELDS = ("id", "name", "title", "description", "remediation", "engine", "params", "source", "package",
                "needs_inventory")


LAYOUT = 2  # of the "report" value; an entry of another layout is a miss (KeyError / ValueError)
_COLUMNS = ("rule", "resource", "status", "message", "path", "line", "end_line")


def report_json_chunks(report: ScanReport) -> Iterator[str]:
    """The JSON text of a finished report's entry (what report_from_json reads back), in pieces:
    resources a thousand at a time, then the result columns one at a time.

    A x10 corpus has 250,000 results and 22,000 resources: as lists, then one JSON string, the
    entry cost 40 MiB on top of the finished report. Raises TypeError or ValueError for a value
    JSON cannot hold (a Python rule's details) here, before any piece is made.
    """
    data, resources, columns = _tables(report)
    head = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return _pieces(head, resources, columns)


def _pieces(head: str, resources: list[Resource], columns: dict[str, array | list]) -> Iterator[str]:
    yield head[:-1] + ',"resources":['
    for at in range(0, len(resources), 1000):
        rows = (json.dumps(_resource(r), separators=(",", ":"), ensure_ascii=False) for r in resources[at:at + 1000])
        yield ("," if at else "") + ",".join(rows)
    yield '],"results":{'
    for at, (name, column) in enumerate(columns.items()):
        text = f'[{",".join(map(str, column))}]' if isinstance(column, array) else json.dumps(column)
        yield f'{"," if at else ""}"{name}":{text}'
    yield "}}"


def _tables(report: ScanReport) -> tuple[dict[str, Any], list[Resource], dict[str, array | list]]:
    """Everything but the resources and the result columns; the resources; the columns: arrays of
    table indexes, and lists of the lines (ints, or None), which hold the results' own int objects."""
    rules = {r.id: r for r in report.rules}
    for result in report.results:  # a rule the report no longer lists (never expected): keep it anyway
        rules.setdefault(result.rule.id, result.rule)
    rule_at = {rule_id: i for i, rule_id in enumerate(rules)}
    index = {id(r): i for i, r in enumerate(report.resources)}
    extra = [r.resource for r in report.results if id(r.resource) not in index]
    for resource in extra:
        index.setdefault(id(resource), len(index))
    statuses: dict[str, int] = {}
    messages: dict[Any, int] = {}  # a message that is not hashable (never a str) raises TypeError: not cached
    paths: dict[tuple, int] = {}
    path_ids: dict[int, int] = {}  # results share path objects: each distinct one is keyed once
    columns: dict[str, array | list] = {name: [] if name in ("line", "end_line") else array("i") for name in _COLUMNS}
    rule_col, resource_col, status_col, message_col, path_col, line_col, end_col = columns.values()
    special = []
    for at, r in enumerate(report.results):
        rule_col.append(rule_at[r.rule.id])
        resource_col.append(index[id(r.resource)])
        status_col.append(statuses.setdefault(r.status.value, len(statuses)))
        message_col.append(messages.setdefault(r.message, len(messages)))
        path = path_ids.get(id(r.path))
        if path is None:
            # Keyed with the parts' types too: (1,) and (True,) are equal but format differently.
            key = (tuple(r.path), tuple(map(type, r.path)))
            path = path_ids[id(r.path)] = paths.setdefault(key, len(paths))
        path_col.append(path)
        line_col.append(r.line)
        end_col.append(r.end_line)
        if r.details is not None or r.waiver is not None or r.in_baseline:
            special.append([at, r.details, r.waiver, r.in_baseline])
    return {
        "layout": LAYOUT,
        "rules": [_rule(r) for r in rules.values()],
        "listed_rules": [r.id for r in report.rules],
        "listed_resources": len(report.resources),
        "statuses": list(statuses),
        "messages": list(messages),
        "paths": [list(parts) for parts, _types in paths],
        "special": special,
        "skipped": [[s.path, s.reason, s.line] for s in report.skipped],
        "issues": [[i.path, i.message, i.line] for i in report.issues],
        "files_scanned": report.files_scanned,
        "warnings": list(report.warnings),
        "waiver_register": report.waiver_register,
        "disabled_rules": report.disabled_rules,
        "controls": report.controls,
        "frameworks": list(report.frameworks),
    }, [*report.resources, *extra], columns


def report_from_json(data: dict[str, Any]) -> ScanReport:
    """The report again; raises KeyError, TypeError, ValueError or IndexError on a malformed entry."""
    from .scan import ScanReport

    if data["layout"] != LAYOUT:
        raise ValueError(f"report layout {data['layout']!r}")
    rules = [_rule_back(r) for r in data["rules"]]
    by_id = {r.id: r for r in rules}
    resources = [_resource_back(r) for r in data["resources"]]
    statuses = [Status(s) for s in data["statuses"]]
    messages = list(data["messages"])
    paths = [tuple(p) for p in data["paths"]]
    columns = [data["results"][name] for name in _COLUMNS]
    if any(type(column) is not list or len(column) != len(columns[0]) for column in columns):
        raise ValueError("result columns of different lengths")
    # Tables and ints are indexed, never trusted: a negative index would pick the wrong row.
    for column, table in zip(columns[:5], (rules, resources, statuses, messages, paths), strict=True):
        if column and (min(column) < 0 or max(column) >= len(table)):
            raise IndexError("result column out of range")
    results = [Result(rules[rule], resources[at], statuses[status], messages[message], paths[path], line, end)
               for rule, at, status, message, path, line, end in zip(*columns, strict=True)]
    for at, details, waiver, baseline in data["special"]:
        if not 0 <= at < len(results):
            raise IndexError("special result out of range")
        result = results[at]
        result.details, result.waiver, result.in_baseline = details, waiver, bool(baseline)
    return ScanReport(
        rules=[by_id[i] for i in data["listed_rules"]],
        resources=resources[:int(data["listed_resources"])],
        results=results,
        skipped=[Skipped(path, reason, line) for path, reason, line in data["skipped"]],
        issues=[InputIssue(path, message, line) for path, message, line in data["issues"]],
        files_scanned=int(data["files_scanned"]),
        warnings=[str(w) for w in data["warnings"]],
        waiver_register=list(data["waiver_register"]),
        disabled_rules=dict(data["disabled_rules"]),
        controls={k: list(v) for k, v in data["controls"].items()},
        frameworks=list(data["frameworks"]),
    )


def _rule(rule: Rule) -> dict[str, Any]:
    out = {name: getattr(rule, name) for name in _RULE_FIELDS}
    out.update(severity=rule.severity.value, applies_to=[rule.applies_to.family, list(rule.applies_to.types)],
               environments=list(rule.environments), references=list(rule.references),
               entrypoints=list(rule.entrypoints))
    return out


def _rule_back(data: dict[str, Any]) -> Rule:
    family, types = data["applies_to"]
    return Rule(**{name: data[name] for name in _RULE_FIELDS}, severity=Severity(data["severity"]),
                applies_to=AppliesTo(family, tuple(types)), environments=tuple(data["environments"]),
                references=tuple(data["references"]), entrypoints=tuple(data["entrypoints"]))


def _resource(resource: Resource) -> list:
    src = resource.source
    origin = src.origin
    return [resource.family, resource.type, resource.name, resource.id, src.file, src.start_line, src.end_line,
            src.document, list(src.pointer),
            [origin.kind, origin.file, origin.line, origin.detail] if origin else None,
            resource.namespace, resource.api_version, resource.address, resource.environment, resource.labels]


def _resource_back(data: list) -> Resource:
    (family, type_, name, id_, file, start, end, document, pointer, origin, namespace, api_version, address,
     environment, labels) = data
    source = Source(file, start, end, document, tuple(pointer), Origin(*origin) if origin else None)
    return Resource(family, type_, name, id_, {}, source, namespace, api_version, address, environment,
                    dict(labels))
