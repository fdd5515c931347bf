"""Coverage per framework and requirement: pass / fail / waived / not tested / manual.

A requirement's status comes from the results of the rules mapped to it:

- manual      the catalog says `automated: false` (results, if any, are still counted)
- not tested  no mapped rule evaluated any resource in this scan: never "pass"
- fail        some mapped rule failed (or errored) on some resource
- waived      nothing failed, and some failure was waived
- pass        every evaluated resource passed every mapped rule

Counts are distinct resources, so a Deployment with three failing containers counts once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from .controls import Catalogs, Framework, Requirement
from .model import Result, Status

__all__ = ["CoverageStatus", "FrameworkCoverage", "RequirementCoverage", "coverage", "coverage_dict",
           "write_csv", "CSV_COLUMNS"]


class CoverageStatus(StrEnum):
    passed = "pass"
    failed = "fail"
    waived = "waived"
    not_tested = "not tested"
    manual = "manual"


@dataclass(frozen=True, slots=True)
class RequirementCoverage:
    """One requirement's status and the counts behind it."""

    requirement: Requirement
    status: CoverageStatus
    # The strongest fit among mapped rules that evaluated something ("" when none did):
    # a pass backed only by supporting rules is weaker evidence than a direct one.
    fit: str
    rules_evaluated: tuple[str, ...]
    resources: int
    failed: int
    waived: int
    errors: int

    @property
    def passed(self) -> int:
        return self.resources - self.failed - self.waived


@dataclass(frozen=True, slots=True)
class FrameworkCoverage:
    framework: Framework
    requirements: tuple[RequirementCoverage, ...]

    def counts(self) -> dict[str, int]:
        """Requirements per status, every status present (zero included), in a fixed order."""
        out = {s.value: 0 for s in CoverageStatus}
        for row in self.requirements:
            out[row.status.value] += 1
        return out

    @property
    def automated(self) -> int:
        return sum(row.requirement.automated for row in self.requirements)

    def summary(self) -> dict[str, int]:
        counts = self.counts()
        return {"requirements": len(self.requirements), "automated": self.automated,
                "pass": counts["pass"], "fail": counts["fail"], "waived": counts["waived"],
                "not_tested": counts["not tested"], "manual": counts["manual"]}


# Worst outcome per resource: a failure anywhere outweighs a waiver, a waiver a pass.
_RANK = {Status.passed: 0, Status.waived: 1, Status.failed: 2, Status.error: 3}


def coverage(results: Iterable[Result], catalogs: Catalogs | Sequence[Framework], *,
             frameworks: Iterable[str] | None = None) -> list[FrameworkCoverage]:
    """Coverage of each selected framework by these scan results.

    Args:
        results: every result of a scan (passes included; they are the population tested).
        catalogs: the frameworks, as loaded by compliance.controls.load_catalogs.
        frameworks: ids or aliases to report (default: all in catalogs).

    Raises:
        InputError: a name in frameworks is not a loaded framework.
    """
    if not isinstance(catalogs, Catalogs):
        catalogs = Catalogs(tuple(catalogs))
    # rule id -> resource key -> worst status of that rule on that resource
    worst: dict[str, dict[tuple, Status]] = {}
    for result in results:
        per_resource = worst.setdefault(result.rule.id, {})
        key = result.resource.key
        if key not in per_resource or _RANK[result.status] > _RANK[per_resource[key]]:
            per_resource[key] = result.status
    return [FrameworkCoverage(f, tuple(_requirement(r, worst) for r in f.requirements))
            for f in catalogs.select(frameworks)]


def _requirement(requirement: Requirement, worst: dict[str, dict[tuple, Status]]) -> RequirementCoverage:
    combined: dict[tuple, Status] = {}
    evaluated = []
    fits = set()
    for mapping in requirement.rules:
        per_resource = worst.get(mapping.rule)
        if not per_resource:
            continue
        evaluated.append(mapping.rule)
        fits.add(mapping.fit)
        for key, status in per_resource.items():
            if key not in combined or _RANK[status] > _RANK[combined[key]]:
                combined[key] = status
    failed = sum(s in (Status.failed, Status.error) for s in combined.values())
    waived = sum(s is Status.waived for s in combined.values())
    errors = sum(s is Status.error for s in combined.values())
    if not requirement.automated:
        status = CoverageStatus.manual
    elif not combined:
        status = CoverageStatus.not_tested
    elif failed:
        status = CoverageStatus.failed
    elif waived:
        status = CoverageStatus.waived
    else:
        status = CoverageStatus.passed
    fit = "direct" if "direct" in fits else ("supporting" if fits else "")
    return RequirementCoverage(requirement, status, fit, tuple(evaluated), len(combined), failed, waived, errors)


def row_dict(row: RequirementCoverage, framework: Framework) -> dict:
    req = row.requirement
    return {
        "framework": req.framework,
        "id": req.id,
        "ref": req.ref,
        "section": req.section,
        "section_title": framework.section_title(req.section),
        "title": req.title,
        "automated": req.automated,
        "partial": req.partial,
        "evidence": req.evidence,
        "status": row.status.value,
        "fit": row.fit,
        "rules": [m.rule for m in req.rules],
        "rules_evaluated": list(row.rules_evaluated),
        "resources": row.resources,
        "passed": row.passed,
        "failed": row.failed,
        "waived": row.waived,
        "errors": row.errors,
    }


def coverage_dict(coverages: Sequence[FrameworkCoverage]) -> dict:
    """The JSON shape of a coverage report (stable order, no timestamps)."""
    return {
        "schema": "compliance/coverage/v1",
        "frameworks": [
            {"id": fc.framework.id, "name": fc.framework.name, "version": fc.framework.version,
             "file": fc.framework.file, "summary": fc.summary(),
             "requirements": [row_dict(row, fc.framework) for row in fc.requirements]}
            for fc in coverages
        ],
    }


CSV_COLUMNS = ("framework", "id", "section", "title", "automated", "status", "fit", "rules", "rules_evaluated",
               "resources", "passed", "failed", "waived", "errors", "evidence")


def write_csv(coverages: Sequence[FrameworkCoverage], stream: IO[str]) -> None:
    """One row per requirement; list fields joined with spaces; booleans as true/false."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for fc in coverages:
        for row in fc.requirements:
            data = row_dict(row, fc.framework)
            writer.writerow([
                " ".join(data[c]) if isinstance(data[c], list)
                else str(data[c]).lower() if isinstance(data[c], bool) else data[c]
                for c in CSV_COLUMNS
            ])
