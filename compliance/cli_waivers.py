"""`compliance init` and `compliance waivers ...`: the settings file and the exceptions register."""


import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import ComplianceError

waivers_app = typer.Typer(help="The exceptions register: approved, time-limited waivers.", no_args_is_help=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

REGISTER_COLUMNS = ("rule", "resource", "file", "owner", "approved_by", "ticket", "expires", "days_left", "status",
                    "reason", "where")


class RegisterFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the settings file")] = Path("compliance.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file")] = False,
) -> None:
    """Write a commented starter compliance.yaml.

    Every setting is optional and explained in the file. An existing file is
    never overwritten without --force.

    Example: compliance init

    Exit codes: 0 written; 2 the file exists (without --force) or cannot be written.
    """
    from ._atomic import atomic_text
    from .config import STARTER

    # A dangling symbolic link counts as existing: writing through it would create its target.
    if (path.exists() or path.is_symlink()) and not force:
        err.print(f"[bold red]error:[/] {path} exists; use --force to overwrite it")
        raise typer.Exit(code=2)
    try:
        with atomic_text(path) as stream:
            stream.write(STARTER)
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(code=2) from None
    typer.echo(f"wrote {path}")


@waivers_app.command("list")
def waivers_list(
    paths: Annotated[list[str] | None, typer.Argument(
        help="What to scan to see which waivers still match (default: .)", show_default=False)] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="Settings file (default: compliance.yaml in the current or scanned directory)",
        show_default=False)] = None,
    format: Annotated[RegisterFormat, typer.Option("--format", "-f", help="Output format")] = RegisterFormat.table,
) -> None:
    """Print the exceptions register: every waiver, its owner, approver, ticket, expiry and status.

    Configured waivers (compliance.yaml, waivers.yaml) and inline ones (the
    compliance.dev/waive annotation) are listed. Status is active (it waives
    at least one finding), stale (it matches nothing) or expired.

    Examples:

      compliance waivers list

      compliance waivers list k8s/ --format csv > exceptions.csv

    Exit codes: 0 listed; 2 invalid settings or waivers.
    """
    from .scan import scan
    from .settings import scan_options

    targets = paths or ["."]
    try:
        options, _ = scan_options(targets, config=config, root=None, environment=None, policy=[], builtin=True,
                                  jobs=0, max_file_size_mib=None)
        report = scan(options)
    except ComplianceError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=exc.exit_code) from None
    register = report.waiver_register
    if format is RegisterFormat.json:
        typer.echo(json.dumps(register, indent=2, sort_keys=True))
    elif format is RegisterFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(REGISTER_COLUMNS)
        for waiver in register:
            writer.writerow([waiver[c] if waiver[c] is not None else "" for c in REGISTER_COLUMNS])
    else:
        from rich.table import Table  # imported by the commands that draw one, not at every start

        table = Table(title=f"{len(register)} waivers", title_justify="left")
        for column in ("Rule", "Resource", "Owner", "Approved by", "Ticket", "Expires", "Days left", "Status"):
            table.add_column(column, overflow="fold")
        style = {"active": "green", "stale": "yellow", "expired": "red"}
        for w in register:
            table.add_row(w["rule"], w["resource"], w["owner"], w["approved_by"], w["ticket"], w["expires"],
                          str(w["days_left"]), f"[{style[w['status']]}]{w['status']}[/]")
        Console().print(table)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)
