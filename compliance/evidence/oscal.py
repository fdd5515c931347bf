"""OSCAL 1.1.3 assessment-results for a bundle (controls.md §3.2 has the mapping).

- one `result` for the period; `reviewed-controls` lists every requirement in scope;
- `inventory-items` are the scanned resources (identity, location, content hash);
- one `observation` per rule of the final run (TEST), its subjects the resources it
  evaluated, each with its result; a rule that failed anywhere is a `discovery`;
- one `finding` per requirement, target `<control-id>_obj`: satisfied only when every
  mapped rule passed (or the failure is waived); not tested and manual requirements
  are not-satisfied with reason `other` and say why, never claimed as met;
- active waivers are `risks` with status deviation-approved, expired ones exposing
  failures are open risks;
- `import-ap` points at a back-matter resource describing the method (there is no
  assessment plan); every evidence file is a back-matter resource with its SHA-256.

UUIDs are version 5, derived from the bundle id and what they name, so the same
results give the same document.
"""

from __future__ import annotations

import uuid

from ..controls import oscal_id
from ..coverage import FrameworkCoverage
from ..model import Status
from .period import Period
from .runs import Run

OSCAL_VERSION = "1.1.3"
NS = "https://compliance.dev/ns/oscal"
_STATE = {"pass": ("satisfied", "pass"), "waived": ("satisfied", "pass"), "fail": ("not-satisfied", "fail"),
          "not tested": ("not-satisfied", "other"), "manual": ("not-satisfied", "other")}


class _Ids:
    def __init__(self, bundle_id: str):
        self.base = uuid.uuid5(uuid.NAMESPACE_URL, f"https://compliance.dev/evidence/{bundle_id}")

    def __call__(self, *parts: object) -> str:
        return str(uuid.uuid5(self.base, "\x1f".join(str(p) for p in parts)))


def _prop(name: str, value: object) -> dict | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return {"name": name, "ns": NS, "value": text} if text else None


def _props(**values: object) -> list[dict]:
    return [p for name, value in values.items() if (p := _prop(name.replace("_", "-"), value))]


def _text(value: str, fallback: str) -> str:
    value = " ".join((value or "").split())
    return value or fallback


def document(*, bundle_id: str, period: Period, generated_at: str, run: Run, coverages: list[FrameworkCoverage],
             waivers: list[dict], files: dict[str, tuple[str, int, str]], tool: dict) -> dict:
    """The assessment-results document.

    Args:
        bundle_id: the bundle's id (UUID seed and metadata version).
        period: the evidence period.
        generated_at: RFC 3339 UTC build time.
        run: the final run (its results are assessed).
        coverages: coverage per framework in scope.
        waivers: the exceptions register rows.
        files: bundle path -> (sha256, size, media type) of evidence files written so far.
        tool: tool/tool.json content.
    """
    ids = _Ids(bundle_id)
    evidence = {path: ids("file", path) for path in sorted(files)}
    items, item_of = [], {}
    for resource in run.report.resources:
        key = resource.key
        if key in item_of:
            continue
        item_of[key] = ids("resource", *key)
        src = resource.source
        items.append({
            "uuid": item_of[key],
            "description": f"{resource.family} {resource.type} {resource.id} ({src.file}:{src.start_line})",
            "props": _props(resource_id=resource.id, resource_type=resource.type, family=resource.family,
                            namespace=resource.namespace, environment=resource.environment, source_file=src.file,
                            start_line=src.start_line, end_line=src.end_line),
        })
    tool_uuid, platform_uuid = ids("tool"), ids("platform")
    collected = run.finished_at or generated_at

    per_rule: dict[str, dict[tuple, str]] = {}
    for result in run.report.results:
        statuses = per_rule.setdefault(result.rule.id, {})
        statuses[result.resource.key] = _worst(statuses.get(result.resource.key), result.status.value)
    rules = {r.id: r for r in run.report.rules}
    observations, observation_of = [], {}
    for rule_id in sorted(per_rule):
        rule = rules[rule_id]
        statuses = per_rule[rule_id]
        failed = any(s in ("fail", "error") for s in statuses.values())
        observation_of[rule_id] = ids("observation", run.id, rule_id)
        counts = {s: sum(v == s for v in statuses.values()) for s in ("pass", "fail", "waived", "error")}
        observations.append({
            "uuid": observation_of[rule_id],
            "title": f"{rule.id} {rule.title}",
            "description": _text(rule.description, rule.title or rule.id),
            "props": _props(rule_id=rule.id, severity=rule.severity.value, run_id=run.id,
                            **{f"resources-{k}": v for k, v in counts.items()}),
            "methods": ["TEST"],
            "types": ["discovery" if failed else "control-objective"],
            "origins": [{"actors": [{"type": "tool", "actor-uuid": tool_uuid}]}],
            "subjects": [{"subject-uuid": item_of[key], "type": "inventory-item", "props": _props(result=status)}
                         for key, status in sorted(statuses.items()) if key in item_of],
            "relevant-evidence": [{"href": f"#{evidence[path]}", "description": text} for path, text in (
                ("results/results.jsonl", f"every result of {rule.id} (rule_id == {rule.id})"),
                ("results/findings.sarif", f"failed and waived results of {rule.id} as SARIF"),
            ) if path in evidence],
            "collected": collected,
        })

    risks, risks_of_rule = [], {}
    for row in waivers:
        if not (row.get("covered_results") or row.get("exposed_results")):
            continue
        risk_uuid = ids("risk", row["where"], row["rule"], row["resource"])
        risks_of_rule.setdefault(row["rule"], []).append(risk_uuid)
        expired = row.get("status") == "expired"
        risks.append({
            "uuid": risk_uuid,
            "title": f"Waiver of {row['rule']} for {row['resource']}",
            "description": _text(row.get("reason", ""), "no reason given"),
            "statement": _text(f"Owner {row.get('owner') or 'unknown'}, "
                               f"approved by {row.get('approved_by') or 'unknown'}"
                               f", ticket {row.get('ticket') or 'none'}, expires {row.get('expires')}; "
                               f"{len(row.get('covered_results', []))} result(s) waived"
                               + (f", {len(row['exposed_results'])} failing again after expiry" if expired else ""),
                               "waiver"),
            "props": _props(waiver_where=row.get("where"), ticket=row.get("ticket"), expires=row.get("expires")),
            "status": "open" if expired else "deviation-approved",
        })

    findings, reviewed = [], []
    for fc in coverages:
        for row in fc.requirements:
            req = row.requirement
            control = oscal_id(req.framework, req.id)
            reviewed.append({"control-id": control})
            state, reason = _STATE[row.status.value]
            finding = {
                "uuid": ids("finding", req.framework, req.id),
                "title": f"{fc.framework.name} {req.id}: {req.title}",
                "description": _finding_text(row),
                "props": _props(framework=req.framework, requirement=req.id, coverage_status=row.status.value,
                                fit=row.fit, resources=row.resources, failed=row.failed, waived=row.waived),
                "target": {"type": "objective-id", "target-id": f"{control}_obj",
                           "status": {"state": state, "reason": reason}},
            }
            related = [observation_of[r] for r in row.rules_evaluated if r in observation_of]
            if related:
                finding["related-observations"] = [{"observation-uuid": u} for u in related]
            risk_ids = sorted({u for r in row.rules_evaluated for u in risks_of_rule.get(r, [])})
            if risk_ids:
                finding["related-risks"] = [{"risk-uuid": u} for u in risk_ids]
            findings.append(finding)

    local = {
        "assessment-assets": {
            "components": [{"uuid": tool_uuid, "type": "software", "title": f"compliance {tool['version']}",
                            "description": "Policy-as-code scanner that produced these results",
                            "props": _props(version=tool["version"], python=tool.get("python")),
                            "status": {"state": "operational"}}],
            "assessment-platforms": [{"uuid": platform_uuid, "title": "compliance command line",
                                      "uses-components": [{"component-uuid": tool_uuid}]}],
        },
    }
    if items:
        local["inventory-items"] = items
    result = {
        "uuid": ids("result", run.id),
        "title": f"Automated configuration assessment, {period.label}",
        "description": (f"Results of the automated controls of run {run.id} for the period {period.start} to "
                        f"{period.end}: {len(run.report.resources)} resources, {len(run.report.results)} results."),
        "start": period.start_utc(),
        "end": min(period.end_utc(), generated_at) if generated_at >= period.start_utc() else period.end_utc(),
        "props": _props(period=period.label, run_id=run.id),
        "local-definitions": local,
        "reviewed-controls": {"control-selections": [{"include-controls": reviewed}] if reviewed
                              else [{"include-all": {}}]},
    }
    if observations:
        result["observations"] = observations
    if risks:
        result["risks"] = risks
    if findings:
        result["findings"] = findings

    method_uuid = ids("method")
    resources = [{
        "uuid": method_uuid,
        "title": "Assessment method: automated scan of configuration files (no assessment plan document)",
        "description": "Every resource in scope/inventory.jsonl was evaluated by the rules in tool/rules.jsonl "
                       "with the configuration in scope/config.json.",
        "rlinks": [_rlink(path, files[path]) for path in ("tool/tool.json", "tool/rules.jsonl", "scope/config.json")
                   if path in files],
    }]
    resources += [{"uuid": evidence[path], "title": path, "rlinks": [_rlink(path, files[path])]}
                  for path in sorted(files)]
    return {"assessment-results": {
        "uuid": ids("document"),
        "metadata": {"title": f"Compliance evidence {period.label}: automated control assessment results",
                     "last-modified": generated_at, "version": bundle_id, "oscal-version": OSCAL_VERSION,
                     "props": _props(bundle_id=bundle_id, period_start=period.start, period_end=period.end)},
        "import-ap": {"href": f"#{method_uuid}"},
        "results": [result],
        "back-matter": {"resources": resources},
    }}


def _rlink(path: str, meta: tuple[str, int, str]) -> dict:
    digest, _size, media = meta
    return {"href": f"../{path}", "media-type": media, "hashes": [{"algorithm": "SHA-256", "value": digest}]}


def _worst(old: str | None, new: str) -> str:
    order = [Status.passed.value, Status.waived.value, Status.failed.value, Status.error.value]
    return new if old is None or order.index(new) > order.index(old) else old


def _finding_text(row) -> str:
    status = row.status.value
    if status == "manual":
        return f"Not testable from configuration: evidenced by hand ({_text(row.requirement.evidence, 'see catalog')})."
    if status == "not tested":
        mapped = ", ".join(m.rule for m in row.requirement.rules) or "none"
        return f"Not tested: no mapped rule ({mapped}) evaluated any resource in this run."
    return (f"{status}: {row.resources} resource(s) evaluated by {', '.join(row.rules_evaluated)}; "
            f"{row.passed} passed, {row.failed} failed, {row.waived} waived ({row.fit or 'no'} fit).")
