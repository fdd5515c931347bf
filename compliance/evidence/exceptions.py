"""The exceptions register: every waiver with owner, approver, ticket, expiry, the results it covered,
expired waivers and the findings they then exposed, and the requirements evidenced by hand."""

from __future__ import annotations

import datetime as dt

from ..coverage import FrameworkCoverage
from ..model import Status
from ..waivers import Waiver
from .runs import Run


def register(run: Run) -> list[dict]:
    """Each waiver of the final run, with the results it waived (or, expired, would have)."""
    rows = []
    for entry in run.report.waiver_register:
        waiver = _waiver(entry)
        covered, exposed = [], []
        for result in run.report.results:
            ref = {"rule_id": result.rule.id, "resource": result.resource.id, "file": result.resource.source.file,
                   "line": result.line, "status": result.status.value}
            if result.status is Status.waived and result.waiver and result.waiver.get("where") == entry["where"]:
                covered.append(ref)
            elif result.status is Status.failed and waiver is not None and entry.get("status") == "expired" \
                    and waiver.covers(result):
                exposed.append(ref)
        rows.append(dict(entry, run=run.id, covered_results=covered, exposed_results=exposed))
    return rows


def expired(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row.get("status") == "expired"]


def manual_requirements(coverages: list[FrameworkCoverage]) -> list[dict]:
    """Requirements no scan can evidence: what the team collects by hand for each."""
    return [{"framework": fc.framework.id, "id": row.requirement.id, "title": row.requirement.title,
             "evidence_expected": row.requirement.evidence, "owner": None, "link": None}
            for fc in coverages for row in fc.requirements if row.status.value == "manual"]


def _waiver(entry: dict) -> Waiver | None:
    # The register is plain dicts; rebuild the Waiver to reuse its matching rule exactly.
    try:
        return Waiver(rule=entry["rule"], reason=entry.get("reason", ""),
                      expires=dt.date.fromisoformat(entry["expires"]), where=entry.get("where", ""),
                      resource=entry.get("resource") or "*", file=entry.get("file") or "*",
                      namespace=entry.get("namespace"), environment=entry.get("environment"))
    except (KeyError, TypeError, ValueError):
        return None
