"""Counts every reporter shows, and the exit decision."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .model import Result, Severity, Status
from .scan import ScanReport


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    resources: int
    rules: int
    results: int
    passed: int
    failed: int
    waived: int
    errors: int
    failed_by_severity: dict[str, int]
    skipped: int
    skipped_by_reason: dict[str, int]
    input_errors: int

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "resources": self.resources,
            "rules": self.rules,
            "results": self.results,
            "passed": self.passed,
            "failed": self.failed,
            "waived": self.waived,
            "errors": self.errors,
            "failed_by_severity": self.failed_by_severity,
            "skipped": self.skipped,
            "skipped_by_reason": self.skipped_by_reason,
            "input_errors": self.input_errors,
        }


def summarize(report: ScanReport) -> Summary:
    status = Counter(r.status for r in report.results)
    by_sev = Counter(r.rule.severity.value for r in report.results if r.status is Status.failed)
    reasons = Counter(_reason_group(s.reason) for s in report.skipped)
    return Summary(
        files=report.files_scanned,
        resources=len(report.resources),
        rules=len(report.rules),
        results=len(report.results),
        passed=status[Status.passed],
        failed=status[Status.failed],
        waived=status[Status.waived],
        errors=status[Status.error],
        failed_by_severity={s.value: by_sev[s.value] for s in Severity},
        skipped=len(report.skipped),
        skipped_by_reason=dict(sorted(reasons.items())),
        input_errors=len(report.issues),
    )


def _reason_group(reason: str) -> str:
    """The kind of skip, without the paths and details that make each reason unique.

    "used by Kustomize k8s/overlays/dev (scanned as built)" -> "used by Kustomize",
    "3 data source(s) read by the plan, not checked" -> "data source(s) read by the plan, not checked";
    the full reasons are listed with --verbose and in the JSON report.
    """
    if reason.startswith(("List item", "item ")):
        reason = reason.split(": ", 1)[-1]
    head = re.split(r": | \(", reason, maxsplit=1)[0]
    # "3 data source(s) read by the plan, ..." -> "data source(s) read by the plan, ...": the
    # summary puts its own count in front ("2 data source(s) ...", not "2 3 data source(s) ...").
    head = re.sub(r"^\d+ ", "", head)
    words = [w for w in head.split() if "/" not in w]
    return " ".join(words).rstrip(", ") or reason


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`: the counts every report prints."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def failing(results: list[Result], threshold: Severity) -> list[Result]:
    """Failed results at or above the threshold severity."""
    return [r for r in results if r.status is Status.failed and r.rule.severity.rank >= threshold.rank]
