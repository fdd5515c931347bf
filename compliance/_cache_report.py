"""A finished ScanReport to plain JSON data and back, for the whole-run entries of compliance.cache.

Everything a reporter reads is kept (rules with their metadata, resources with their source and
origin, results with waivers and details, skipped files, input errors, warnings, the waiver
register, controls, frameworks); resource bodies are not, so no secret value is ever stored.
Results refer to rules by id and to resources by position, which keeps the entry compact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import AppliesTo, InputIssue, Origin, Resource, Result, Rule, Severity, Skipped, Source, Status

if TYPE_CHECKING:
    from .scan import ScanReport

_RULE_FIELDS = ("id", "name", "title", "description", "remediation", "engine", "params", "source", "package",
                "needs_inventory")


def report_to_json(report: ScanReport) -> dict[str, Any]:
    """Plain data (lists, dicts, strings, numbers) for a finished report."""
    rules = {r.id: r for r in report.rules}
    for result in report.results:  # a rule the report no longer lists (never expected): keep it anyway
        rules.setdefault(result.rule.id, result.rule)
    index = {id(r): i for i, r in enumerate(report.resources)}
    extra = [r.resource for r in report.results if id(r.resource) not in index]
    for resource in extra:
        index.setdefault(id(resource), len(index))
    return {
        "rules": [_rule(r) for r in rules.values()],
        "listed_rules": [r.id for r in report.rules],
        "resources": [_resource(r) for r in [*report.resources, *extra]],
        "listed_resources": len(report.resources),
        "results": [[r.rule.id, index[id(r.resource)], r.status.value, r.message, list(r.path), r.line, r.end_line,
                     r.details, r.waiver, r.in_baseline] for r in report.results],
        "skipped": [[s.path, s.reason, s.line] for s in report.skipped],
        "issues": [[i.path, i.message, i.line] for i in report.issues],
        "files_scanned": report.files_scanned,
        "warnings": list(report.warnings),
        "waiver_register": report.waiver_register,
        "disabled_rules": report.disabled_rules,
        "controls": report.controls,
        "frameworks": list(report.frameworks),
    }


def report_from_json(data: dict[str, Any]) -> ScanReport:
    """The report again; raises KeyError, TypeError, ValueError or IndexError on a malformed entry."""
    from .scan import ScanReport

    rules = {r["id"]: _rule_back(r) for r in data["rules"]}
    resources = [_resource_back(r) for r in data["resources"]]
    results = [Result(rules[rule], resources[at], Status(status), message, tuple(path), line, end, details,
                      waiver, bool(baseline))
               for rule, at, status, message, path, line, end, details, waiver, baseline in data["results"]]
    return ScanReport(
        rules=[rules[i] for i in data["listed_rules"]],
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
