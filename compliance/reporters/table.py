"""The terminal report: findings grouped by severity, then a summary."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..model import Severity, Status
from ..scan import ScanReport
from ..summary import Summary, plural, summarize

SEVERITY_STYLE = {
    Severity.critical: "bold white on red",
    Severity.high: "bold red",
    Severity.medium: "yellow",
    Severity.low: "cyan",
    Severity.info: "dim",
}


def render(report: ScanReport, console: Console, *, verbose: bool = False, show_waived: bool = False,
           show_controls: bool = False) -> Summary:
    """Print findings, rule errors, input errors and the summary; return the summary."""
    shown = (Status.failed, Status.waived) if show_waived else (Status.failed,)
    failed = [r for r in report.results if r.status in shown]
    for severity in Severity:
        group = [r for r in failed if r.rule.severity is severity]
        if not group:
            continue
        table = Table(title=Text(f"{severity.value.upper()} ({len(group)})", style=SEVERITY_STYLE[severity]),
                      title_justify="left", box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False)
        table.add_column("Rule", no_wrap=True)
        # Location, resource and message share one cell so that none is cut on a narrow terminal.
        table.add_column("Location · Resource · Message", overflow="fold")
        for result in group:
            cell = Text()
            cell.append(f"{result.resource.source.file}:{result.line}", style="bold")
            cell.append(f"  {result.resource.id}", style="dim")
            cell.append(f"\n{result.message}")
            if show_controls and report.controls.get(result.rule.id):
                cell.append(f"\n{', '.join(report.controls[result.rule.id])}", style="cyan")
            if result.status is Status.waived and result.waiver:
                cell.append(f"\nwaived until {result.waiver['expires']} ({result.waiver['owner'] or 'no owner'}): "
                            f"{result.waiver['reason']}", style="italic")
                cell.stylize("dim")
            elif result.in_baseline:
                cell.append("  (in baseline)", style="dim")
            table.add_row(result.rule.id, cell)
        console.print(table)

    rule_errors = [r for r in report.results if r.status is Status.error]
    if rule_errors:
        console.print(Text(f"Rule errors ({len(rule_errors)})", style="bold magenta"))
        for result in rule_errors:
            console.print(f"  {result.resource.source.file}:{result.line} {result.resource.id}: {result.message}",
                          markup=False, highlight=False)
    if report.issues:
        console.print(Text(f"Input errors ({len(report.issues)}): these files were not checked", style="bold red"))
        for issue in report.issues:
            where = f"{issue.path}:{issue.line}" if issue.line else issue.path
            console.print(f"  {where}: {issue.message}", markup=False, highlight=False)

    if report.warnings:
        console.print(Text(f"Warnings ({len(report.warnings)})", style="bold yellow"))
        for warning in report.warnings:
            console.print(f"  {warning}", markup=False, highlight=False)
    if report.disabled_rules:
        console.print(Text(f"Disabled rules ({len(report.disabled_rules)})", style="bold"))
        for rule_id, reason in report.disabled_rules.items():
            console.print(f"  {rule_id}: {reason}", markup=False, highlight=False)
    if report.baseline_fixed is not None:
        known = sum(1 for r in report.results if r.in_baseline)
        new = sum(1 for r in report.results if r.status is Status.failed and not r.in_baseline)
        console.print(f"Baseline: {new} new, {known} known, {len(report.baseline_fixed)} fixed", highlight=False)

    summary = summarize(report)
    if verbose and report.skipped:
        console.print(Text(f"Skipped ({len(report.skipped)})", style="bold"))
        for skip in report.skipped:
            where = f"{skip.path}:{skip.line}" if skip.line else skip.path
            console.print(f"  {where}: {skip.reason}", markup=False, highlight=False)
    _summary(summary, console, verbose=verbose)
    return summary


def _summary(summary: Summary, console: Console, *, verbose: bool) -> None:
    line = Text()
    line.append(f"{plural(summary.files, 'file')}, {plural(summary.resources, 'resource')}, "
                f"{plural(summary.rules, 'rule')}: ")
    line.append(f"{summary.passed} passed", style="green")
    line.append(", ")
    line.append(f"{summary.failed} failed", style="red" if summary.failed else "green")
    if summary.failed:
        parts = [f"{n} {sev}" for sev, n in summary.failed_by_severity.items() if n]
        line.append(f" ({', '.join(parts)})")
    if summary.waived:
        line.append(f", {summary.waived} waived")
    line.append(f", {plural(summary.errors, 'rule error')}")
    if summary.input_errors:
        line.append(f", {plural(summary.input_errors, 'unreadable file')}", style="red")
    console.print(line)
    if summary.skipped:
        reasons = "; ".join(f"{n} {reason}" for reason, n in summary.skipped_by_reason.items())
        hint = "" if verbose else " (--verbose lists them)"
        console.print(Text(f"Skipped {summary.skipped}: {reasons}{hint}", style="dim"))
