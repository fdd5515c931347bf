"""Scope of a bundle: the input files with content hashes, the resource inventory, the reconciliation.

Only hashes and locations are written, never file contents or resource bodies:
a Secret's data or an env var's value cannot reach the bundle through here.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..discover import SKIPPED_DIRS, discover, display_path
from ..fingerprint import fingerprint
from ..reporters.json_report import result_dict
from ._files import canonical_hash, sha256_file
from .runs import Run


def sources(run: Run) -> list[dict]:
    """Every input file of a run: path (relative to the scan root), sha256, size, how it was used.

    A scan walks its paths again (discovery is cheap and deterministic); a results file
    names the files its resources came from, hashed when they exist under the root.
    """
    rows: dict[str, dict] = {}
    if run.kind == "scan":
        found = discover(run.paths, root=run.root)
        for target in found.targets:
            if target.path is None:
                continue
            if target.path.is_dir():
                for file in _files_under(target.path):
                    _add(rows, run.root, file, f"{target.kind} {target.display}")
            else:
                _add(rows, run.root, target.path, target.kind)
        skipped = found.skipped
    else:
        for resource in run.report.resources:
            # Hashed now, from the working tree: the CI run may have scanned another commit.
            _add(rows, run.root, run.root / resource.source.file, "resource source (hashed at bundle build)")
        skipped = []
    for item in [*skipped, *run.report.skipped]:
        path = run.root / item.path
        if path.is_file() and item.path not in rows:
            _add(rows, run.root, path, "skipped")
        rows.setdefault(item.path, {"path": item.path, "sha256": None, "size": None, "used_as": "skipped"})
        rows[item.path].setdefault("skipped", item.reason)
    for issue in run.report.issues:
        rows.setdefault(issue.path, {"path": issue.path, "sha256": None, "size": None, "used_as": "unreadable"})
        rows[issue.path]["error"] = f"{issue.path}{f':{issue.line}' if issue.line else ''}: {issue.message}"
    return [dict(row, run=run.id) for _, row in sorted(rows.items())]


def _files_under(directory: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        out += [Path(dirpath) / name for name in sorted(filenames)]
    return out


def _add(rows: dict[str, dict], root: Path, path: Path, used_as: str) -> None:
    shown = display_path(path.absolute(), root.absolute())
    if shown in rows:
        return
    if not path.is_file() or path.is_symlink():
        rows[shown] = {"path": shown, "sha256": None, "size": None, "used_as": used_as,
                       "note": "not a regular file under the scan root: not hashed"}
        return
    digest, size = sha256_file(path)
    rows[shown] = {"path": shown, "sha256": digest, "size": size, "used_as": used_as}


def inventory(run: Run, source_rows: list[dict]) -> list[dict]:
    """Every resource of a run: identity, location, origin and content hashes (never the body)."""
    hashes = {row["path"]: row["sha256"] for row in source_rows}
    rows = []
    for resource in run.report.resources:
        src = resource.source
        row = {
            "run": run.id, "id": resource.id, "family": resource.family, "type": resource.type,
            "name": resource.name, "namespace": resource.namespace, "environment": resource.environment,
            "api_version": resource.api_version, "address": resource.address,
            "file": src.file, "start_line": src.start_line, "end_line": src.end_line, "document": src.document,
            # The parsed document's canonical hash: unchanged by comments or layout, and no value leaks.
            "content_sha256": canonical_hash(resource.body) if resource.body else None,
            "source_sha256": hashes.get(src.file),
        }
        if src.origin:
            row["origin"] = {"kind": src.origin.kind, "file": src.origin.file, "line": src.origin.line,
                             "detail": src.origin.detail, "file_sha256": hashes.get(src.origin.file or "")}
        rows.append(row)
    return rows


def results(run: Run) -> list[dict]:
    """Every result of a run, passes included, in the report's stable order."""
    return [dict(result_dict(r, run.report.controls), run=run.id, fingerprint=fingerprint(r))
            for r in run.report.results]


def reconciliation(runs: list[Run], source_rows: dict[str, list[dict]]) -> dict:
    """Counts that must add up: files, resources per family/type, results per status, per run."""
    out = []
    for run in runs:
        report = run.report
        statuses = Counter(r.status.value for r in report.results)
        per_type = Counter(f"{r.family}/{r.type}" for r in report.resources)
        per_rule = Counter(r.rule.id for r in report.results)
        files = source_rows[run.id]
        ids = {r.id for r in report.resources}
        out.append({
            "run": run.id,
            "files": {"listed": len(files), "hashed": sum(f["sha256"] is not None for f in files),
                      "skipped": len(report.skipped), "unreadable": len(report.issues),
                      "targets_loaded": report.files_scanned},
            "skipped_by_reason": dict(sorted(Counter(s.reason for s in report.skipped).items())),
            "resources": {"total": len(report.resources), "by_type": dict(sorted(per_type.items()))},
            "results": {"total": len(report.results),
                        "by_status": {s: statuses.get(s, 0) for s in ("pass", "fail", "waived", "error")},
                        "by_rule": dict(sorted(per_rule.items()))},
            "rules": {"evaluated": len({r.rule.id for r in report.results}), "loaded": len(report.rules),
                      "disabled": sorted(report.disabled_rules)},
            # Every result's resource must be in the inventory: the population is complete.
            "results_outside_inventory": sum(r.resource.id not in ids for r in report.results),
        })
    return {"schema": "compliance/evidence-reconciliation/v1", "runs": out}
