"""The human report of a bundle: report.html (one self-contained file, prints well) and report.md.

Templates live in the shipped reports/ folder (string.Template, `$name` slots); this
module builds the escaped fragments that fill them. Nothing is fetched: the CSS is
inline and there are no scripts, images or links to other hosts.
"""

from __future__ import annotations

import html
from string import Template

from ..coverage import CoverageStatus, FrameworkCoverage
from ..model import Status
from ..resources import data_dir

MAX_FINDINGS = 500  # the report lists this many failures; every one is in results/results.jsonl
STATUSES = [s.value for s in CoverageStatus]


def _template(name: str) -> Template:
    return Template((data_dir("reports") / name).read_text(encoding="utf-8"))


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _md(value: object) -> str:
    text = " ".join(("" if value is None else str(value)).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;") or "-"


def _table(headers: list[str], rows: list[list[object]], *, css: str = "", cls_col: int | None = None,
           caption: str = "", cols: str = "") -> str:
    """An HTML table; cols gives one letter per column: n number, k keep whole, w wrap anywhere, t text."""
    kinds = {"n": "num", "k": "keep", "w": "wrap", "t": ""}
    col_class = [kinds.get(c, "") for c in cols.ljust(len(headers), "t")]
    head = "".join(f"<th scope=\"col\"{_cls(col_class[i])}>{_e(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            klass = col_class[i]
            if i == cls_col:
                klass = f"st st-{str(cell).replace(' ', '-')}"
            cells.append(f"<td{_cls(klass)}>{_e(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not rows:
        body.append(f"<tr><td colspan=\"{len(headers)}\" class=\"none\">none</td></tr>")
    attrs = f" id=\"{_e(css)}\"" if css else ""
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return f"<table{attrs}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cls(klass: str) -> str:
    return f" class=\"{_e(klass)}\"" if klass else ""


def _md_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    if not rows:
        lines.append("| " + " | ".join(["none"] + ["-"] * (len(headers) - 1)) + " |")
    return "\n".join(lines)


def context(*, manifest: dict, run, coverages: list[FrameworkCoverage], waivers: list[dict], changes: dict,
            manual: list[dict], sources: int) -> dict:
    """Everything both reports show, as plain rows."""
    report = run.report
    counts = {s.value: sum(r.status is s for r in report.results) for s in Status}
    failures = [r for r in report.results if r.status in (Status.failed, Status.error)]
    failures.sort(key=lambda r: (-r.rule.severity.rank, r.rule.id, r.resource.source.file, r.line))
    return {
        "manifest": manifest,
        "summary_rows": [[fc.framework.id, fc.framework.name + " " + fc.framework.version,
                          len(fc.requirements), *[fc.counts()[s] for s in STATUSES]] for fc in coverages],
        "frameworks": [(fc, [[row.requirement.id, row.requirement.title, row.status.value, row.fit or "-",
                              " ".join(row.rules_evaluated) or "-", row.resources, row.failed, row.waived]
                             for row in fc.requirements]) for fc in coverages],
        "failure_rows": [[r.rule.id, r.rule.severity.value, r.status.value, r.resource.id,
                          f"{r.resource.source.file}:{r.line}", r.message] for r in failures[:MAX_FINDINGS]],
        "failures_total": len(failures),
        "waiver_rows": [[w["rule"], w["resource"], w.get("owner"), w.get("approved_by"), w.get("ticket"),
                         w.get("expires"), w.get("status"), len(w.get("covered_results", [])), w.get("reason")]
                        for w in waivers],
        "manual_rows": [[m["framework"], m["id"], m["title"], m["evidence_expected"]] for m in manual],
        "change_rows": _change_rows(changes),
        "counts": counts,
        "resources": len(report.resources),
        "rules": len(report.rules),
        "sources": sources,
    }


def _change_rows(changes: dict) -> list[list[str]]:
    if not changes.get("previous"):
        return []
    rows = [["rule added", rid, ""] for rid in changes["rules_added"]]
    rows += [["rule removed", rid, ""] for rid in changes["rules_removed"]]
    rows += [["rule disabled", d["id"], d["reason"] or ""] for d in changes["rules_disabled"]]
    rows += [["rule enabled", rid, ""] for rid in changes["rules_enabled"]]
    rows += [["rule changed", c["id"], ", ".join(c["fields"])] for c in changes["rules_changed"]]
    rows += [["config changed", c["key"], ""] for c in changes["config_changed"]]
    return rows


FRAMEWORK_HEADERS = ["Requirement", "Title", "Status", "Fit", "Rules evaluated", "Resources", "Failed", "Waived"]
SUMMARY_HEADERS = ["Framework", "Name", "Requirements", "Pass", "Fail", "Waived", "Not tested", "Manual"]
FAILURE_HEADERS = ["Rule", "Severity", "Status", "Resource", "Location", "Message"]
WAIVER_HEADERS = ["Rule", "Resource", "Owner", "Approved by", "Ticket", "Expires", "Status", "Results", "Reason"]
CHANGE_HEADERS = ["Change", "Item", "Detail"]
MANUAL_HEADERS = ["Framework", "Requirement", "Title", "Evidence expected"]


def _slots(ctx: dict) -> dict:
    m = ctx["manifest"]
    previous = m.get("previous") or {}
    signature = m.get("signature") or {}
    return {
        "period": m["period"]["label"], "period_start": m["period"]["start"], "period_end": m["period"]["end"],
        "bundle_id": m["bundle_id"], "generated_at": m["generated_at"], "tool_version": m["tool"]["version"],
        "rule_library_sha256": m["rule_library_sha256"], "config_sha256": m["config_sha256"],
        "runs": len(m["runs"]), "final_run": m["final_run"], "sources": ctx["sources"],
        "resources": ctx["resources"], "rules": ctx["rules"],
        "passed": ctx["counts"]["pass"], "failed": ctx["counts"]["fail"], "waived": ctx["counts"]["waived"],
        "errors": ctx["counts"]["error"], "failures_total": ctx["failures_total"],
        "failures_shown": len(ctx["failure_rows"]),
        "previous": (f"{previous.get('bundle_id')} (manifest SHA-256 {previous.get('manifest_sha256')})"
                     if previous else "none: this is the first bundle of its chain"),
        "signature": (f"Ed25519, key fingerprint {signature.get('key_fingerprint')}" if signature
                      else "NOT SIGNED (built without --sign-key)"),
    }


def render_html(ctx: dict) -> str:
    slots = {k: _e(v) for k, v in _slots(ctx).items()}
    sections = []
    for fc, rows in ctx["frameworks"]:
        sections.append(
            f"<section class=\"framework\"><h3 id=\"fw-{_e(fc.framework.id)}\">{_e(fc.framework.name)} "
            f"{_e(fc.framework.version)} <small>({_e(fc.framework.id)})</small></h3>"
            + _table(FRAMEWORK_HEADERS, rows, cls_col=2, css=f"coverage-{fc.framework.id}", cols="ktkktnnn")
            + "</section>")
    slots.update(
        summary_table=_table(SUMMARY_HEADERS, ctx["summary_rows"], css="coverage-summary",
                             caption="Requirements per coverage status", cols="ktnnnnnn"),
        framework_sections="\n".join(sections),
        failure_table=_table(FAILURE_HEADERS, ctx["failure_rows"], css="failures", cls_col=2, cols="kkkwwt"),
        waiver_table=_table(WAIVER_HEADERS, ctx["waiver_rows"], css="waivers", cls_col=6, cols="kwtttkkn"),
        change_table=_table(CHANGE_HEADERS, ctx["change_rows"], css="changes"),
        manual_table=_table(MANUAL_HEADERS, ctx["manual_rows"], css="manual"),
    )
    return _template("report.html").substitute(slots)


def render_markdown(ctx: dict) -> str:
    slots = {k: _md(v) for k, v in _slots(ctx).items()}
    sections = [f"### {fc.framework.name} {fc.framework.version} ({fc.framework.id})\n\n"
                + _md_table(FRAMEWORK_HEADERS, rows) for fc, rows in ctx["frameworks"]]
    slots.update(
        summary_table=_md_table(SUMMARY_HEADERS, ctx["summary_rows"]),
        framework_sections="\n\n".join(sections),
        failure_table=_md_table(FAILURE_HEADERS, ctx["failure_rows"]),
        waiver_table=_md_table(WAIVER_HEADERS, ctx["waiver_rows"]),
        change_table=_md_table(CHANGE_HEADERS, ctx["change_rows"]),
        manual_table=_md_table(MANUAL_HEADERS, ctx["manual_rows"]),
    )
    return _template("report.md").substitute(slots)


def render_readme(ctx: dict) -> str:
    return _template("bundle-readme.md").substitute({k: _md(v) for k, v in _slots(ctx).items()})
