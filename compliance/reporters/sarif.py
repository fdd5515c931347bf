"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

What becomes a SARIF result follows GitHub's model, where a result is an alert
about the code:

- a **failed** result is a result, with `level` from the rule's severity;
- a **waived** result is a result too, with a `suppressions` entry (kind
  external, the waiver's reason as justification), so the exception stays
  visible and GitHub shows it as dismissed instead of it vanishing;
- a **passing** result is left out (it is in the JSON report and the evidence);
- a rule that **errored** on a resource, and an input file that could not be
  read, are problems of the tool run, not of the code: they go to
  `invocations[0].toolExecutionNotifications` (level error) and make
  `executionSuccessful` false.

Paths are relative to the repository root with `uriBaseId: %SRCROOT%`. Output
is byte-identical for the same inputs: nothing time- or machine-dependent is
written except the repository root in `originalUriBaseIds`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attr
from sarif_om import (
    ArtifactLocation,
    Invocation,
    Location,
    LogicalLocation,
    Message,
    MultiformatMessageString,
    Notification,
    PhysicalLocation,
    Region,
    ReportingConfiguration,
    ReportingDescriptor,
    ReportingDescriptorReference,
    Run,
    RunAutomationDetails,
    SarifLog,
    Suppression,
    Tool,
    ToolComponent,
)
from sarif_om import Result as SarifResult

from .. import __version__
from ..model import Result, Rule, Status
from ..scan import ScanReport
from ._locations import Locator
from ._meter import SizeMeter
from ._rule_text import (
    LEVEL,
    PRECISION,
    SECURITY_SEVERITY,
    ControlsMap,
    clip,
    controls_lookup,
    help_markdown,
    help_text,
    tags,
)
from ._sarif_results import SRCROOT, identity, result_text, suppression_fields

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "compliance"

# GitHub keeps at most 25,000 results per run (and shows the 5,000 most severe)
# and rejects files above 10 MB gzip-compressed.
MAX_RESULTS = 25_000
MAX_GZIP_BYTES = 10 * 1024 * 1024


@attr.s
class _Suppression(Suppression):
    """sarif-om follows SARIF 2.1.0-rtm.4, where `status` was still `state`; the final schema says status."""

    status = attr.ib(default=None, metadata={"schema_property_name": "status"})


def render(report: ScanReport, stream: IO[str], *, root: Path | None = None, repo_root: Path | None = None,
           category: str | None = None, controls: ControlsMap | None = None,
           max_results: int = MAX_RESULTS) -> list[str]:
    """Write the scan as one SARIF 2.1.0 run.

    Args:
        report: the scan to write.
        stream: where the JSON goes.
        root: the scan root that `Source.file` paths are relative to (default: cwd).
        repo_root: the repository root URIs are made relative to (default: the
            nearest directory above `root` holding `.git`, else `root`).
        category: code scanning category; written as `automationDetails.id`
            "<category>/" (default "compliance").
        controls: rule id -> control ids ("pci-dss-4.0.1:1.3.1"); default: from
            compliance.controls when that module provides `controls_for`.
        max_results: keep at most this many results, the most severe first.

    Returns:
        Warnings for the user (results dropped, file too large for GitHub).

    Streamed: the run is serialized without its results, then each result is
    built, serialized and written in turn, so the whole log is never held; the
    bytes are those of dumps(build(...)).
    """
    log, results, warnings = _prepare(report, root=root, repo_root=repo_root, category=category,
                                      controls=controls, max_results=max_results, plain=True)
    log.runs[0].results = [_RESULTS_MARKER]
    head, marker, tail = dumps(log).partition(json.dumps(_RESULTS_MARKER, ensure_ascii=False))
    assert marker, "the results marker is always in the skeleton"
    meter = SizeMeter(stream, limit=MAX_GZIP_BYTES)
    meter.write(head)
    chunk: list[str] = []
    for number, result in enumerate(results):  # each already JSON text (_sarif_results.result_text)
        chunk.append(("," if number else "") + result)
        if len(chunk) >= 256:
            meter.write("".join(chunk))
            chunk.clear()
    chunk.append(tail)
    meter.write("".join(chunk))
    if meter.size > MAX_GZIP_BYTES:
        packed = meter.gzip_size()
        if packed > MAX_GZIP_BYTES:
            warnings.append(f"SARIF is {packed:,} bytes gzip-compressed; GitHub rejects uploads above "
                            f"{MAX_GZIP_BYTES:,} bytes (scan fewer paths per category)")
    return warnings


# Stands for the results list in the serialized skeleton; a control character is always
# escaped by the encoder, so no real value can read like this.
_RESULTS_MARKER = "\x00compliance:results\x00"


def dumps(log: SarifLog) -> str:
    """Serialize a sarif-om log as compact JSON with sorted keys and a final newline.

    Compact because SARIF files get large (GitHub's limit is 10 MB gzipped) and
    Python's indenting encoder is several times slower than the C one.
    """
    return json.dumps(to_dict(log), sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


# sarif-om defaults that are real values worth writing even when equal to the
# default (level "warning" says what GitHub shows); the other defaults (-1
# indexes, "en-US", newline sequences) are "not set" markers and are left out.
_KEEP_DEFAULTS = {"level"}
_NO_DEFAULT = object()
_FIELDS: dict[type, list[tuple[str, str, Any]]] = {}


def _fields(cls: type) -> list[tuple[str, str, Any]]:
    """(attribute, SARIF property name, default to omit) per field, computed once per class."""
    if cls not in _FIELDS:
        specs = []
        for field in attr.fields(cls):
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if default is attr.NOTHING or field.name in _KEEP_DEFAULTS:
                default = _NO_DEFAULT
            specs.append((field.name, field.metadata["schema_property_name"], default))
        _FIELDS[cls] = specs
    return _FIELDS[cls]


def to_dict(obj: Any) -> Any:
    """Turn sarif-om objects into plain JSON values, using the SARIF property names."""
    cls = type(obj)
    if cls in _PLAIN:  # most values: answered before any attrs or isinstance check
        return obj
    specs = _FIELDS.get(cls)
    if specs is None:
        if not attr.has(cls):
            if isinstance(obj, (list, tuple)):
                return [to_dict(v) for v in obj]
            if isinstance(obj, dict):
                return {str(k): to_dict(v) for k, v in obj.items()}
            return obj
        specs = _fields(cls)
    out = {}
    for name, json_name, default in specs:
        value = getattr(obj, name)
        if value is None or (default is not _NO_DEFAULT and value == default):
            continue
        out[json_name] = value if type(value) in _PLAIN else to_dict(value)
    return out


_PLAIN = frozenset({str, int, float, bool})


def build(report: ScanReport, *, root: Path | None = None, repo_root: Path | None = None,
          category: str | None = None, controls: ControlsMap | None = None,
          max_results: int = MAX_RESULTS) -> tuple[SarifLog, list[str]]:
    """The SARIF log as sarif-om objects, and warnings; see render()."""
    log, results, warnings = _prepare(report, root=root, repo_root=repo_root, category=category,
                                      controls=controls, max_results=max_results)
    log.runs[0].results = list(results)
    return log, warnings


def _prepare(report: ScanReport, *, root: Path | None, repo_root: Path | None, category: str | None,
             controls: ControlsMap | None, max_results: int,
             plain: bool = False) -> tuple[SarifLog, Iterator[Any], list[str]]:
    """The log with an empty results list, the results to put in it (made as they are read), warnings.

    With `plain` the results come as the JSON text of the plain dicts to_dict would make of them
    (_sarif_results.result_text).
    """
    locator = Locator(root=root or Path.cwd(), repo_root=repo_root)
    controls_of = controls_lookup(controls)
    rules = sorted(report.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    warnings: list[str] = []

    reported = [r for r in report.results if r.status in (Status.failed, Status.waived)]
    run_properties: dict[str, Any] = {"summary": _counts(report)}
    if len(reported) > max_results:
        kept = _most_severe(reported, max_results)
        dropped = len(reported) - len(kept)
        note = (f"{len(reported):,} results exceed the limit of {max_results:,} per SARIF run; "
                f"kept the {max_results:,} most severe and left out {dropped:,}")
        warnings.append(note)
        run_properties["truncated"] = {"total": len(reported), "kept": len(kept), "dropped": dropped,
                                       "reason": note}
        reported = kept

    baseline = report.baseline_fixed is not None

    def results() -> Iterator[Any]:
        seen: dict[str, int] = {}
        if plain:
            for result in reported:
                yield result_text(result, index[result.rule.id], locator, seen, baseline=baseline)
            return
        for result in reported:
            sarif_result = _result(result, index[result.rule.id], locator, seen)
            if baseline:
                # With --baseline, say which failures are known and which are new (SARIF baselineState).
                sarif_result.baseline_state = "unchanged" if result.in_baseline else "new"
            yield sarif_result

    if report.baseline_fixed is not None:
        run_properties["baselineFixed"] = len(report.baseline_fixed)
    stdin_results = sum(1 for r in reported if not locator.on_disk(r))
    if stdin_results:
        warnings.append(f"{stdin_results} SARIF results come from standard input and name no repository file; "
                        "code scanning cannot place them (scan files, or render charts to files)")

    notifications = [_error_notification(r, index[r.rule.id], locator)
                     for r in report.results if r.status is Status.error]
    notifications += [_issue_notification(i.path, i.line, i.message, locator) for i in report.issues]

    run = Run(
        tool=Tool(driver=ToolComponent(
            name=TOOL_NAME, version=__version__, semantic_version=__version__,
            rules=[_descriptor(r, controls_of(r.id)) for r in rules])),
        automation_details=RunAutomationDetails(id=f"{normalize_category(category)}/"),
        original_uri_base_ids={SRCROOT: ArtifactLocation(uri=locator.repo_root.as_uri().rstrip("/") + "/")},
        invocations=[Invocation(execution_successful=not notifications,
                                tool_execution_notifications=notifications or None)],
        results=[],
        properties=run_properties,
    )
    return SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run]), results(), warnings


def normalize_category(category: str | None) -> str:
    """A category safe for `automationDetails.id`: no surrounding slashes, never empty."""
    value = (category or "").strip().strip("/")
    return value or TOOL_NAME


def default_category(paths: Sequence[str], *, root: Path) -> str:
    """The category named after what was scanned: "compliance/k8s", "compliance/stdin".

    Two scans of different paths in one workflow then get different categories,
    which GitHub requires (one upload per tool and category).
    """
    names = []
    for raw in paths:
        if raw == "-":
            names.append("stdin")
            continue
        path = Path(raw).absolute()
        try:
            shown = path.relative_to(root.absolute()).as_posix()
        except ValueError:
            shown = path.name
        names.append(shown if shown not in ("", ".") else "root")
    slug = "+".join(sorted(set(names))) or "root"
    return f"{TOOL_NAME}/{re.sub(r'[^A-Za-z0-9._+/-]+', '-', slug)}"


def _most_severe(results: list[Result], limit: int) -> list[Result]:
    ranked = sorted(range(len(results)), key=lambda i: (-results[i].rule.severity.rank,
                                                        results[i].status is Status.waived, i))
    keep = sorted(ranked[:limit])
    return [results[i] for i in keep]


def _counts(report: ScanReport) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for result in report.results:
        counts[result.status.value] += 1
    counts["input_errors"] = len(report.issues)
    counts["skipped"] = len(report.skipped)
    return counts


def _descriptor(rule: Rule, controls: list[str]) -> ReportingDescriptor:
    properties: dict[str, Any] = {"tags": tags(rule, controls), "precision": PRECISION,
                                  "severity": rule.severity.value}
    if rule.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    else:
        properties["problem.severity"] = "recommendation"
    if controls:
        properties["controls"] = controls
    return ReportingDescriptor(
        id=rule.id,
        name=rule.name or rule.id,
        short_description=MultiformatMessageString(text=clip(rule.title or rule.id)),
        full_description=MultiformatMessageString(text=clip(rule.description or rule.title or rule.id)),
        help=MultiformatMessageString(text=help_text(rule, controls), markdown=help_markdown(rule, controls)),
        help_uri=rule.references[0] if rule.references else None,
        default_configuration=ReportingConfiguration(level=LEVEL[rule.severity]),
        properties=properties,
    )


def _artifact(uri: str, relative: bool) -> ArtifactLocation:
    return ArtifactLocation(uri=uri, uri_base_id=SRCROOT if relative else None)


def _physical(uri: str, relative: bool, start: int, end: int) -> PhysicalLocation:
    return PhysicalLocation(artifact_location=_artifact(uri, relative),
                            region=Region(start_line=start, end_line=end))


def _result(result: Result, rule_index: int, locator: Locator, seen: dict[str, int]) -> SarifResult:
    place = locator.place(result)
    resource = result.resource
    location = Location(
        physical_location=_physical(place.uri, place.relative, place.start_line, place.end_line),
        logical_locations=[LogicalLocation(fully_qualified_name=resource.id, kind="resource")],
    )
    fingerprints, properties = identity(result, place, locator, seen)
    related = None
    if place.rendered is not None:
        uri, relative, start, end = place.rendered
        related = [Location(id=1, physical_location=_physical(uri, relative, start, end),
                            message=Message(text="rendered resource"))]
    return SarifResult(
        rule_id=result.rule.id,
        rule_index=rule_index,
        level=LEVEL[result.rule.severity],
        message=Message(text=f"{resource.id}: {result.message or result.rule.title}"),
        locations=[location],
        related_locations=related,
        partial_fingerprints=fingerprints,
        suppressions=[_suppression(result.waiver)] if result.status is Status.waived else None,
        properties=properties,
    )


def _suppression(waiver: dict[str, Any] | None) -> Suppression:
    return _Suppression(kind="external", status="accepted", **suppression_fields(waiver))


def _error_notification(result: Result, rule_index: int, locator: Locator) -> Notification:
    place = locator.place(result)
    return Notification(
        level="error",
        message=Message(text=f"rule {result.rule.id} could not be evaluated on {result.resource.id}: "
                             f"{result.message}"),
        associated_rule=ReportingDescriptorReference(id=result.rule.id, index=rule_index),
        locations=[Location(physical_location=_physical(place.uri, place.relative, place.start_line,
                                                        place.end_line))],
    )


def _issue_notification(path: str, line: int | None, message: str, locator: Locator) -> Notification:
    uri, relative, _disk = locator.uri(path)
    region = Region(start_line=line) if line else None
    return Notification(
        level="error",
        message=Message(text=f"{path}{f':{line}' if line else ''} was not scanned: {message}"),
        locations=[Location(physical_location=PhysicalLocation(artifact_location=_artifact(uri, relative),
                                                               region=region))],
    )


__all__ = ["render", "build", "dumps", "to_dict", "default_category", "normalize_category"]
