"""The runs a bundle covers: one fresh scan, or JSON reports from the period's CI runs."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import InputError
from ..scan import ScanOptions, ScanReport
from ._files import canonical_hash, sha256_file
from .results_json import load_report


@dataclass(slots=True)
class Run:
    """One execution of the scanner whose results the bundle holds."""

    id: str
    kind: str  # "scan" (run by this build) or "results-file" (a CI run's JSON report)
    report: ScanReport
    root: Path
    source: str  # the scanned paths, or the results file as given
    tool: dict = field(default_factory=dict)
    input_sha256: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    paths: tuple[str, ...] = ()

    def record(self) -> dict:
        """The run's line in runs/runs.jsonl."""
        counts = {"pass": 0, "fail": 0, "error": 0, "waived": 0}
        for result in self.report.results:
            counts[result.status.value] += 1
        return {
            "id": self.id, "kind": self.kind, "source": self.source, "input_sha256": self.input_sha256,
            "tool": self.tool, "started_at": self.started_at, "finished_at": self.finished_at,
            "results": counts, "resources": len(self.report.resources), "rules": len(self.report.rules),
            "files_scanned": self.report.files_scanned, "skipped": len(self.report.skipped),
            "input_errors": len(self.report.issues), "results_file": f"results/by-run/{self.id}.jsonl",
        }


def now_utc() -> dt.datetime:
    """The build's clock: $SOURCE_DATE_EPOCH when set (reproducible builds), else the system clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError:
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scan_run(options: ScanOptions) -> Run:
    """Scan now and wrap the report as the bundle's one run.

    Raises:
        InputError: standard input was named (evidence needs files it can hash), or the scan failed.
    """
    from ..scan import scan

    if any(p == "-" for p in options.paths):
        raise InputError("evidence build needs files or directories, not standard input (-): render charts "
                         "to files first, or pass the JSON reports of CI runs with --from-results")
    started = now_utc()
    tick = time.monotonic()
    report = scan(options)
    finished = now_utc() if os.environ.get("SOURCE_DATE_EPOCH") else started + dt.timedelta(
        seconds=round(time.monotonic() - tick))
    digest = canonical_hash({"paths": list(options.paths), "results": _result_keys(report)})
    return Run(id=f"scan-{digest[:12]}", kind="scan", report=report, root=options.root,
               source=" ".join(options.paths), tool={"name": "compliance", "version": __version__},
               started_at=rfc3339(started), finished_at=rfc3339(finished), paths=tuple(options.paths))


def results_runs(files: Sequence[Path], *, root: Path) -> list[Run]:
    """One run per JSON scan report, in the order given (the last is the period's final run).

    Raises:
        InputError: a file is missing or not a scan report (the message names it), or one is given twice.
    """
    runs: list[Run] = []
    for path in files:
        report, tool = load_report(path)
        digest, _size = sha256_file(path)
        if any(run.input_sha256 == digest for run in runs):
            raise InputError(f"{path}: the same results file is given twice")
        runs.append(Run(id=f"ci-{digest[:12]}", kind="results-file", report=report, root=root,
                        source=path.as_posix(), tool=tool, input_sha256=digest))
    return runs


def _result_keys(report: ScanReport) -> list:
    return [(r.rule.id, r.resource.source.file, r.resource.id, r.status.value, r.line, r.message)
            for r in report.results]
