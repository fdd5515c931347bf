"""`compliance controls`: frameworks, their requirements and rules, coverage by a scan.

Registered by cli.py as a sub-app. Exit codes follow cli.py: 0 fine, 1 a requirement
fails (coverage), 2 usage error, invalid catalog, or an input file that could not be read.
"""


import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from .errors import ComplianceError

controls_app = typer.Typer(
    help="Framework catalogs (PCI DSS, SOC 2, GDPR, HIPAA, NIST 800-53): requirements, their rules, coverage.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

_err = Console(stderr=True, highlight=False)


class ControlsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


STATUS_STYLE = {"pass": "green", "fail": "bold red", "waived": "yellow", "not tested": "dim", "manual": "cyan"}

ControlsOpt = Annotated[list[Path] | None, typer.Option(
    "--controls", help="Extra framework file, or directory of them (repeatable); a company's own standard "
    "maps rule ids, Checkov ids or custom ids the same way", rich_help_panel="Policy")]
NoBuiltinControlsOpt = Annotated[bool, typer.Option(
    "--no-builtin-controls", help="Use only the frameworks given with --controls", rich_help_panel="Policy")]


def _fail(exc: ComplianceError) -> None:
    _err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code=exc.exit_code)


def _catalogs(controls: list[Path] | None, no_builtin: bool):
    from .controls import load_catalogs

    if no_builtin and not controls:
        _fail(ComplianceError("--no-builtin-controls leaves no frameworks: give at least one --controls FILE"))
    try:
        return load_catalogs(controls or [], builtin=not no_builtin)
    except ComplianceError as exc:
        _fail(exc)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@controls_app.command("list")
def list_frameworks(
    controls: ControlsOpt = None,
    no_builtin_controls: NoBuiltinControlsOpt = False,
    format: Annotated[ControlsFormat, typer.Option("--format", "-f", help="Output format (table or json)",
                                                   rich_help_panel="Output")] = ControlsFormat.table,
) -> None:
    """List the frameworks with their requirement and rule counts.

    Examples:

      compliance controls list

      compliance controls list --controls acme-standard.yaml --format json

    Exit codes: 0 listed; 2 an invalid or missing catalog file.
    """
    catalogs = _catalogs(controls, no_builtin_controls)
    rows = []
    for f in catalogs.frameworks:
        mapped = [r for r in f.requirements if r.rules]
        rows.append({
            "id": f.id, "name": f.name, "version": f.version, "file": f.file, "builtin": f.builtin,
            "aliases": list(f.aliases), "requirements": len(f.requirements),
            "automated": sum(r.automated for r in f.requirements),
            "manual": sum(not r.automated for r in f.requirements),
            "mapped": len(mapped), "rules": len({m.rule for r in f.requirements for m in r.rules}),
        })
    if format is ControlsFormat.json:
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    if format is ControlsFormat.csv:
        _fail(ComplianceError("controls list supports --format table or json"))
    from rich.table import Table  # imported by the commands that draw one, not at every start

    table = Table(title=f"{len(rows)} frameworks", title_justify="left")
    table.add_column("Framework", no_wrap=True)
    for column in ("Requirements", "Automated", "Manual", "With rules", "Rules"):
        table.add_column(column, justify="right")
    table.add_column("Name", overflow="fold", min_width=12)
    for row in rows:
        table.add_row(row["id"], str(row["requirements"]), str(row["automated"]), str(row["manual"]),
                      str(row["mapped"]), str(row["rules"]), f"{row['name']} {row['version']}")
    Console(highlight=False).print(table)


@controls_app.command("show")
def show(
    name: Annotated[str, typer.Argument(
        help="Framework id or alias (pci-dss-4.0.1, soc2), or one requirement (pci-dss-4.0.1:1.3.1)",
        show_default=False)],
    controls: ControlsOpt = None,
    no_builtin_controls: NoBuiltinControlsOpt = False,
    format: Annotated[ControlsFormat, typer.Option("--format", "-f", help="Output format (table or json)",
                                                   rich_help_panel="Output")] = ControlsFormat.table,
) -> None:
    """Show a framework's requirements and the rules that test each one.

    Each rule mapping shows its fit (direct: a pass is evidence for the requirement;
    supporting: it contributes) and a one-line rationale. Manual requirements show
    the evidence the team collects by hand.

    Examples:

      compliance controls show pci-dss-4.0.1

      compliance controls show soc2:CC6.6

      compliance controls show hipaa --format json

    Exit codes: 0 shown; 2 unknown framework or requirement, or an invalid catalog.
    """
    catalogs = _catalogs(controls, no_builtin_controls)
    framework_name, _, requirement_id = name.partition(":")
    try:
        framework = catalogs.framework(framework_name)
    except ComplianceError as exc:
        _fail(exc)
        return
    requirements = list(framework.requirements)
    if requirement_id:
        found = framework.requirement(requirement_id)
        if found is None:
            _fail(ComplianceError(f"{framework.id} has no requirement {requirement_id!r}; "
                                  f"`compliance controls show {framework.id}` lists them"))
            return
        requirements = [found]
    if format is ControlsFormat.csv:
        _fail(ComplianceError("controls show supports --format table or json"))
    if format is ControlsFormat.json:
        typer.echo(json.dumps({
            "id": framework.id, "name": framework.name, "version": framework.version, "title": framework.title,
            "file": framework.file,
            "sections": [{"id": s.id, "title": s.title} for s in framework.sections],
            "requirements": [{
                "id": r.id, "ref": r.ref, "section": r.section, "title": r.title, "automated": r.automated,
                "partial": r.partial, "evidence": r.evidence,
                "rules": [{"rule": m.rule, "fit": m.fit, "why": m.why} for m in r.rules],
            } for r in requirements],
        }, indent=2, sort_keys=True, ensure_ascii=False))
        return
    console = Console(highlight=False)
    console.print(Text(f"{framework.id}: {framework.title or framework.name}", style="bold"))
    from rich.table import Table

    table = Table(show_lines=True)
    for column in ("Requirement", "Title", "Rules"):
        table.add_column(column, overflow="fold")
    for r in requirements:
        if not r.automated:
            rules = Text(f"manual: {r.evidence}", style="cyan")
        elif not r.rules:
            rules = Text("no rule yet", style="dim")
        else:
            rules = Text("\n".join(f"{m.rule} ({m.fit}): {m.why}" for m in r.rules))
        title = r.title + (" [partial]" if r.partial else "")
        table.add_row(r.id, title, rules)
    console.print(table)
    if not framework.builtin:
        _note_unknown_rules(framework)


def _note_unknown_rules(framework) -> None:
    """Say which mapped ids no built-in rule has: fine for Checkov or --policy ids, else a typo."""
    from .controls import Catalogs
    from .scan import ScanOptions, load_rules

    try:
        policies, python_rules = load_rules(ScanOptions(paths=[]))
    except ComplianceError:
        return  # the rule library itself is broken: `compliance rules list` reports that
    known = {r.id for r in [*policies.rules, *python_rules]}
    for problem in Catalogs((framework,)).unknown_rules(known):
        _err.print(f"note: {problem} (a Checkov or --policy rule id counts only if the scan runs it)",
                   markup=False, highlight=False, soft_wrap=True)


@controls_app.command("coverage")
def coverage_command(
    paths: Annotated[list[str], typer.Argument(
        help="Files or directories to scan; - reads one document stream from standard input",
        show_default=False)],
    framework: Annotated[list[str] | None, typer.Option(
        "--framework", "-F", help="Framework id or alias to report (repeatable) (default: all)",
        rich_help_panel="Policy", show_default=False)] = None,
    controls: ControlsOpt = None,
    no_builtin_controls: NoBuiltinControlsOpt = False,
    policy: Annotated[list[Path] | None, typer.Option(
        "--policy", "-p", help="Extra directory of Rego policies (repeatable)", rich_help_panel="Policy")] = None,
    env: Annotated[str | None, typer.Option(
        "--env", help="Treat every resource as this environment (dev, staging, production, ...)",
        rich_help_panel="Input")] = None,
    root: Annotated[Path | None, typer.Option(
        "--root", help="Directory that reported paths are relative to (default: current directory)",
        rich_help_panel="Input", show_default=False)] = None,
    format: Annotated[ControlsFormat, typer.Option("--format", "-f", help="Output format",
                                                   rich_help_panel="Output")] = ControlsFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file",
                                                rich_help_panel="Output")] = None,
) -> None:
    """Scan, then report each requirement as pass, fail, waived, not tested or manual.

    A requirement passes only when its rules evaluated at least one resource and
    none failed; with no applicable resources it is "not tested". Counts are
    distinct resources evaluated, failed and waived. Manual requirements
    (automated: false) are listed with the evidence to collect by hand.

    Examples:

      compliance controls coverage examples/payment-platform --framework pci-dss-4.0.1

      compliance controls coverage ./k8s -F soc2 -F gdpr --format csv -o coverage.csv

    Exit codes: 0 no requirement fails; 1 a requirement fails; 2 usage error, invalid
    catalog or policy, or a file that could not be read.
    """
    from .coverage import coverage, coverage_dict, write_csv
    from .scan import ScanOptions, scan

    catalogs = _catalogs(controls, no_builtin_controls)
    try:
        selected = catalogs.select(framework)
        report = scan(ScanOptions(paths=paths, root=(root or Path.cwd()).absolute(), environment=env,
                                  policy_dirs=policy or []))
    except ComplianceError as exc:
        _fail(exc)
        return
    coverages = coverage(report.results, selected)
    if format is ControlsFormat.json:
        _write(json.dumps(coverage_dict(coverages), indent=2, sort_keys=True, ensure_ascii=False) + "\n", output)
    elif format is ControlsFormat.csv:
        import io

        buffer = io.StringIO()
        write_csv(coverages, buffer)
        _write(buffer.getvalue(), output)
    elif output is not None:
        with open(output, "w", encoding="utf-8") as stream:
            _render_table(coverages, Console(file=stream, width=200, no_color=True))
    else:
        _render_table(coverages, Console(highlight=False))
    for issue in report.issues:
        where = f"{issue.path}:{issue.line}" if issue.line else issue.path
        _err.print(f"[bold red]input error:[/] {where}: {issue.message}", markup=True, highlight=False)
    if report.issues:
        raise typer.Exit(code=2)
    if any(fc.counts()["fail"] for fc in coverages):
        raise typer.Exit(code=1)


def _render_table(coverages, console: Console) -> None:
    from rich.table import Table

    for fc in coverages:
        table = Table(title=Text(f"{fc.framework.id}: {fc.framework.name} {fc.framework.version}", style="bold"),
                      title_justify="left")
        table.add_column("Requirement", overflow="fold")
        table.add_column("Status", no_wrap=True)
        table.add_column("Fit", overflow="fold")
        for column in ("Tested", "Failed", "Waived"):
            table.add_column(column, justify="right")
        table.add_column("Rules", overflow="fold", min_width=7)
        # Titles only fit on a wide console; `controls show` has them anyway.
        wide = console.width >= 120
        if wide:
            table.add_column("Title", overflow="fold")
        for row in fc.requirements:
            req = row.requirement
            cells = [req.id, Text(row.status.value, style=STATUS_STYLE[row.status.value]), row.fit or "-",
                     str(row.resources), str(row.failed), str(row.waived), " ".join(m.rule for m in req.rules) or "-"]
            table.add_row(*cells, *([req.title] if wide else []))
        console.print(table)
        s = fc.summary()
        console.print(f"{fc.framework.id}: {s['automated']} automated requirements: {s['pass']} pass, "
                      f"{s['fail']} fail, {s['waived']} waived, {s['not_tested']} not tested; "
                      f"{s['manual']} manual", markup=False, highlight=False)
