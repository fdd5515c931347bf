"""Several reports from one scan: `--format sarif=out.sarif --format json=out.json --format table`.

A bare format goes to `--output` if given, else to standard output; at most one
report may go to standard output. Each FORMAT=FILE writes that file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rich.console import Console

from .._atomic import atomic_text
from ..errors import InputError
from ..scan import ScanReport
from . import Format


@dataclass(frozen=True, slots=True)
class OutputSpec:
    format: Format
    path: Path | None  # None: standard output


def parse_specs(values: list[str] | None, *, output: Path | None = None) -> list[OutputSpec]:
    """Turn --format values ("sarif", "sarif=out.sarif") and --output into output specs.

    Raises:
        InputError: an unknown format, or two reports bound for the same place.
    """
    choices = ", ".join(f.value for f in Format)
    specs: list[OutputSpec] = []
    for value in values or [Format.table.value]:
        name, sep, target = value.partition("=")
        try:
            fmt = Format(name.strip().lower())
        except ValueError:
            raise InputError(f"unknown --format {name!r}: expected one of {choices}, "
                             "optionally as FORMAT=FILE") from None
        if sep and not target.strip():
            raise InputError(f"--format {value!r} names no file after '='")
        specs.append(OutputSpec(fmt, Path(target.strip()) if sep else None))
    bare = [s for s in specs if s.path is None]
    if output is not None:
        if len(bare) > 1:
            raise InputError("--output takes one report; write the others with --format FORMAT=FILE")
        if not bare:
            raise InputError("--output has no report to write: every --format names its own file")
        specs = [OutputSpec(s.format, output) if s.path is None else s for s in specs]
    elif len(bare) > 1:
        raise InputError(f"{len(bare)} reports would go to standard output; "
                         "give all but one a file with --format FORMAT=FILE")
    targets = [s.path.absolute() for s in specs if s.path is not None]
    if len(set(targets)) != len(targets):
        raise InputError("two reports would be written to the same file")
    return specs


def write_all(report: ScanReport, specs: list[OutputSpec], *, root: Path, verbose: bool = False,
              category: str | None = None, paths: Sequence[str] = (), show_waived: bool = False,
              show_controls: bool = False, stdout: IO[str] | None = None) -> list[str]:
    """Render every requested report; return the lines to show on standard error.

    Args:
        report: the scan.
        specs: what to write where (from parse_specs).
        root: the scan root that reported paths are relative to.
        verbose: list skipped files in the table.
        category: SARIF category (automationDetails.id); default: named after `paths`.
        paths: the scanned paths, as given on the command line.
        show_waived: list waived findings in the table too.
        stdout: stream for the report without a file (default sys.stdout).
    """
    from ..summary import plural, summarize

    messages: list[str] = []
    for spec in specs:
        if spec.path is None:
            messages += _render(report, spec.format, stdout or sys.stdout, root=root, verbose=verbose,
                                category=category, paths=paths, show_waived=show_waived, to_file=False,
                                show_controls=show_controls)
            continue
        try:
            # Atomic, and replacing (never following) a symbolic link at the path: see _atomic.
            with atomic_text(spec.path) as stream:
                messages += _render(report, spec.format, stream, root=root, verbose=verbose,
                                    category=category, paths=paths, show_waived=show_waived, to_file=True,
                                    show_controls=show_controls)
        except OSError as exc:
            raise InputError(f"cannot write {spec.path}: {exc.strerror or exc}") from None
        if spec.format is not Format.table:
            summary = summarize(report)
            messages.append(f"wrote {spec.path}: {summary.failed} failed, {summary.passed} passed, "
                            f"{plural(summary.input_errors, 'unreadable file')}")
    return messages


def _render(report: ScanReport, fmt: Format, stream: IO[str], *, root: Path, verbose: bool,
            category: str | None, paths: Sequence[str], show_waived: bool, to_file: bool,
            show_controls: bool = False) -> list[str]:
    if fmt is Format.json:
        from . import json_report

        json_report.render(report, stream)
    elif fmt is Format.sarif:
        from . import sarif

        category = category or sarif.default_category(paths, root=root)
        return [f"warning: {w}" for w in sarif.render(report, stream, root=root, category=category,
                                                      controls=report.controls)]
    elif fmt is Format.junit:
        from . import junit

        junit.render(report, stream)
    elif fmt is Format.markdown:
        from . import markdown

        markdown.render(report, stream, root=root, link_base=markdown.github_link_base(os.environ))
    else:
        from . import table

        console = (Console(file=stream, width=200, no_color=True) if to_file
                   else Console(file=stream, highlight=False))
        table.render(report, console, verbose=verbose, show_waived=show_waived, show_controls=show_controls)
    return []
