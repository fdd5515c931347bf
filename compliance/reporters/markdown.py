"""A compact Markdown summary for a pull-request comment.

Counts first, then the most severe findings as a table (with links to the exact
lines when a link base is known), then the controls the failures bear on. The
full detail lives in the SARIF and JSON reports; this stays short enough to read
in a review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from ..model import Result, Status
from ..scan import ScanReport
from ..summary import plural, summarize
from ._locations import Locator
from ._rule_text import controls_lookup

TOP = 20


def github_link_base(environ: Mapping[str, str]) -> str | None:
    """https://github.com/OWNER/REPO/blob/SHA from GitHub Actions variables, or None outside Actions."""
    server = environ.get("GITHUB_SERVER_URL")
    repo = environ.get("GITHUB_REPOSITORY")
    sha = environ.get("GITHUB_SHA")
    if not (server and repo and sha):
        return None
    return f"{server.rstrip('/')}/{repo}/blob/{sha}"


def render(report: ScanReport, stream: IO[str], *, root: Path | None = None, repo_root: Path | None = None,
           link_base: str | None = None, controls: Mapping[str, Sequence[str]] | None = None,
           top: int = TOP) -> None:
    """Write the Markdown summary.

    Args:
        report: the scan to write.
        stream: where the Markdown goes.
        root: the scan root that reported paths are relative to (default: cwd).
        repo_root: the repository root links are relative to (default: found from `.git`).
        link_base: URL prefix for file links, e.g. https://github.com/o/r/blob/SHA; none: plain paths.
        controls: rule id -> control ids; default: from compliance.controls if available.
        top: how many findings to list.
    """
    locator = Locator(root=root or Path.cwd(), repo_root=repo_root)
    controls_of = controls_lookup(controls)
    summary = summarize(report)
    out: list[str] = ["## Compliance scan", ""]
    if summary.failed:
        parts = ", ".join(f"{n} {sev}" for sev, n in summary.failed_by_severity.items() if n)
        head = f"**{summary.failed} failed** ({parts})"
    else:
        head = "**No failed checks**"
    out.append(f"{head} · {summary.passed} passed · {summary.waived} waived · {summary.errors} rule errors · "
               f"{plural(summary.resources, 'resource')} in {plural(summary.files, 'file')}")
    if summary.input_errors:
        out += ["", f"**{plural(summary.input_errors, 'file')} could not be read** and were not checked:"]
        out += [f"- `{_code(i.path)}{f':{i.line}' if i.line else ''}`: {_cell(i.message)}" for i in report.issues]

    failed = [r for r in report.results if r.status is Status.failed]
    if failed:
        ranked = sorted(failed, key=lambda r: (-r.rule.severity.rank, r.sort_key()))
        out += ["", "| Severity | Rule | Resource | Location | Finding |", "| --- | --- | --- | --- | --- |"]
        for result in ranked[:top]:
            out.append(f"| {result.rule.severity.value} | {result.rule.id} | `{_code(result.resource.id)}` | "
                       f"{_location(result, locator, link_base)} | {_cell(result.message)} |")
        if len(ranked) > top:
            out += ["", f"…and {len(ranked) - top} more; the SARIF and JSON reports list every finding."]

        hit: Counter[str] = Counter()
        for result in failed:
            hit.update(controls_of(result.rule.id))
        if hit:
            listed = sorted(hit.items(), key=lambda kv: (-kv[1], kv[0]))
            shown = ", ".join(f"`{c}` ({n})" for c, n in listed[:10])
            more = f" and {len(listed) - 10} more" if len(listed) > 10 else ""
            out += ["", f"**Controls with failures**: {shown}{more}"]

    errors = [r for r in report.results if r.status is Status.error]
    if errors:
        out += ["", f"**Rule errors** ({len(errors)}):"]
        out += [f"- {r.rule.id} on `{_code(r.resource.id)}`: {_cell(r.message)}" for r in errors[:top]]
    stream.write("\n".join(out) + "\n")


def _location(result: Result, locator: Locator, link_base: str | None) -> str:
    place = locator.place(result)
    shown = f"{result.resource.source.file}:{result.line}"
    if place.relative and place.disk is not None and link_base:
        anchor = f"#L{place.start_line}" + (f"-L{place.end_line}" if place.end_line > place.start_line else "")
        return f"[{_link_text(shown)}]({link_base.rstrip('/')}/{place.uri}{anchor})"
    return f"`{_code(shown)}`"


def _cell(text: str) -> str:
    # A table cell is one line and a pipe would end it.
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    return _cell(text).replace("`", "'")


def _link_text(text: str) -> str:
    return _cell(text).replace("[", "\\[").replace("]", "\\]")
