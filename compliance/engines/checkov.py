"""Checkov's built-in checks as an extra rule source (`--engine checkov`, extra `[checkov]`).

Checkov runs once, as a library, after our own per-file pass, on the same files our
loaders read: Kubernetes manifests, Terraform .tf files and Terraform plan JSON.
Rendered Helm/Kustomize output and standard input are not given to it (it would
render or read them differently) and a warning says so. Its records become our
Results on our own Resource objects, so waivers, controls, baselines and every
reporter treat them like ours. Severity comes from controls/checkov-map.yml
(Checkov's own severities need a paid API key). A failed check that finds the same
problem as one of our failed rules on the same resource is dropped and named in our
Result.details["corroborated_by"] (ScanOptions.show_duplicates keeps both).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from pathlib import Path

from ..errors import EngineError
from ..model import AppliesTo, Resource, Result, Rule, Severity, Source, Status
from .checkov_map import CheckMapping, builtin_map

INSTALL_HINT = "pip install 'compliance[checkov]' (or: pip install checkov)"
DEFAULT_SEVERITY = Severity.medium  # checks not in our table


def require() -> None:
    """Raise EngineError with the install command when checkov is not installed."""
    if importlib.util.find_spec("checkov") is None:
        raise EngineError(f"--engine checkov needs Checkov, which is not installed: {INSTALL_HINT}")


def run(options, resources: list[Resource], results: list[Result], warnings: list[str]) -> list[Rule]:
    """Run Checkov over the files our loaders read; add its Results to `results`, de-duplicated.

    Args:
        options: the scan's ScanOptions (root, show_duplicates).
        resources: every resource our loaders found; Checkov's records are attached to them.
        results: our results so far; Checkov's are appended, corroborated ones are annotated.
        warnings: where notes for the user go (files not given to Checkov, its parse errors).

    Returns:
        The Rule of every Checkov check that produced a result.

    Raises:
        EngineError: checkov is not installed or failed as a whole.
    """
    require()
    root = Path(options.root)
    inputs = _inputs(resources, root, warnings)
    records = _run_checkov(inputs, warnings)
    index = _ResourceIndex(resources, root)
    table = builtin_map()
    ours = _our_rules()
    rules: dict[str, Rule] = {}
    found: list[Result] = []
    skipped: list[str] = []
    for framework, record in records:
        status = {"PASSED": Status.passed, "FAILED": Status.failed}.get(record.check_result["result"].name)
        resource, line, end = index.match(framework, record)
        if status is None:  # SKIPPED: a checkov:skip comment in the scanned file
            skipped.append(f"{record.check_id} on {resource.id} ({resource.source.file}:{line})")
            continue
        rule = rules.get(record.check_id) or rules.setdefault(
            record.check_id, _rule(record, resource.family, table.get(record.check_id), ours))
        details = {"engine": "checkov", "check": record.check_name}
        found.append(Result(rule, resource, status, record.check_name if status is Status.failed else "",
                            (), line, end, details))
    if skipped:
        warnings.append(f"checkov: {len(skipped)} check(s) skipped by checkov:skip comments in the scanned "
                        f"files: {', '.join(sorted(skipped))}")
    results.extend(_deduplicate(found, results, table, keep_both=bool(options.show_duplicates)))
    return sorted(rules.values(), key=lambda r: r.id)


def _inputs(resources: list[Resource], root: Path, warnings: list[str]) -> dict[str, list[str]]:
    """Files per Checkov framework, from where our loaders found resources."""
    out: dict[str, set[str]] = {"kubernetes": set(), "terraform": set(), "terraform_plan": set()}
    rendered = 0
    for resource in resources:
        origin = resource.source.origin
        if origin is not None and origin.kind == "terraform-plan" and origin.detail:
            out["terraform_plan"].add(str(root / origin.detail.rsplit(":", 1)[0]))
        elif origin is not None or resource.source.file in ("-", "<stdin>"):
            rendered += 1
        elif resource.family == "kubernetes":
            out["kubernetes"].add(str(root / resource.source.file))
        elif resource.family == "terraform":
            out["terraform"].add(str(root / resource.source.file))
    if rendered:
        warnings.append(f"checkov: {rendered} resource(s) rendered from Helm/Kustomize or read from standard "
                        "input were checked by our rules only, not by Checkov")
    return {framework: sorted(files) for framework, files in out.items() if files}


def _run_checkov(inputs: dict[str, list[str]], warnings: list[str]) -> list[tuple[str, object]]:
    logging.getLogger("checkov").setLevel(logging.ERROR)  # its INFO/WARNING lines would garble our output
    try:
        from checkov.runner_filter import RunnerFilter
    except Exception as exc:  # a broken install must not end in a traceback
        raise EngineError(f"cannot load Checkov: {type(exc).__name__}: {exc}; reinstall: {INSTALL_HINT}") from None
    records: list[tuple[str, object]] = []
    for framework, files in inputs.items():
        try:
            Runner = _runner(framework)  # noqa: N806
        except ImportError as exc:
            # Checkov's Terraform parser (bc-python-hcl2) installs a module named `hcl2`, as does our
            # python-hcl2 (>= 8); in one environment only one of them can be importable.
            warnings.append(f"checkov: {framework} checks unavailable ({exc}); {len(files)} file(s) were checked "
                            "by our rules only. Checkov's Terraform support needs bc-python-hcl2, whose `hcl2` "
                            "module conflicts with python-hcl2 >= 8 that compliance uses")
            continue
        try:
            report = Runner().run(root_folder=None, files=files,
                                  runner_filter=RunnerFilter(framework=[framework], show_progress_bar=False))
        except Exception as exc:  # Checkov failing as a whole is an engine error, not a crash
            raise EngineError(f"Checkov ({framework}) failed: {type(exc).__name__}: {exc}") from None
        for report_item in report if isinstance(report, list) else [report]:
            for error in sorted(report_item.parsing_errors):
                warnings.append(f"checkov: could not parse {error}")
            for record in [*report_item.failed_checks, *report_item.passed_checks, *report_item.skipped_checks]:
                records.append((framework, record))
    records.sort(key=lambda fr: (fr[1].file_abs_path or "", fr[1].file_line_range, fr[1].check_id,
                                 fr[1].resource))
    return records


def _runner(framework: str):
    if framework == "kubernetes":
        from checkov.kubernetes.runner import Runner
    elif framework == "terraform":
        from checkov.terraform.runner import Runner
    else:
        from checkov.terraform.plan_runner import Runner
    return Runner


class _ResourceIndex:
    """Finds our Resource for a Checkov record (same file and name), else makes one."""

    def __init__(self, resources: list[Resource], root: Path):
        self.root = root
        self.by_key: dict[tuple, Resource] = {}
        for resource in resources:
            origin = resource.source.origin
            if origin is not None and origin.kind == "terraform-plan" and origin.detail:
                key = ("terraform_plan", str(root / origin.detail.rsplit(":", 1)[0]), resource.address or resource.id)
            elif resource.family == "kubernetes":
                key = ("kubernetes", str(root / resource.source.file), resource.type, resource.name)
            else:
                key = ("terraform", str(root / resource.source.file), resource.address or resource.id)
            self.by_key.setdefault(key, resource)

    def match(self, framework: str, record) -> tuple[Resource, int, int]:
        file = str(Path(record.file_abs_path))
        start, end = (list(record.file_line_range) + [0, 0])[:2]
        if framework == "kubernetes":
            parts = str(record.resource).split(".")
            key: tuple = ("kubernetes", file, parts[0], parts[-1])
        else:
            key = (framework, file, record.resource)
        resource = self.by_key.get(key)
        if resource is not None:
            if framework == "terraform_plan":  # ours points at the .tf file, not the plan's JSON lines
                return resource, resource.source.start_line, resource.source.end_line
            return resource, start or resource.source.start_line, end or resource.source.end_line
        try:
            shown = Path(file).relative_to(self.root).as_posix()
        except ValueError:
            shown = Path(file).as_posix()
        family = "kubernetes" if framework == "kubernetes" else "terraform"
        kind = str(record.resource).split(".")[0]
        synthetic = Resource(family, kind, str(record.resource).split(".")[-1], str(record.resource), {},
                             Source(shown, start, end))
        self.by_key[key] = synthetic
        return synthetic, start, end


def _our_rules() -> dict[str, Rule]:
    from ..scan import ScanOptions, load_rules

    policies, python_rules = load_rules(ScanOptions(paths=[], engines=("rego", "python")))
    return {r.id: r for r in [*policies.rules, *python_rules]}


def _rule(record, family: str, mapping: CheckMapping | None, ours: dict[str, Rule]) -> Rule:
    severity = DEFAULT_SEVERITY
    if mapping is not None:
        related = [ours[r].severity for r in (*mapping.same_as, *mapping.like) if r in ours]
        severity = mapping.severity or max(related, key=lambda s: s.rank, default=DEFAULT_SEVERITY)
    guideline = getattr(record, "guideline", None) or ""
    return Rule(id=record.check_id, name=record.check_id, title=record.check_name,
                description=f"Checkov check {record.check_id}: {record.check_name}", severity=severity,
                remediation=guideline or f"See Checkov's documentation for {record.check_id}.",
                engine="checkov", applies_to=AppliesTo(family=family), source="checkov",
                references=(guideline,) if guideline else ())


def _deduplicate(found: Sequence[Result], ours: list[Result], table: dict[str, CheckMapping],
                 *, keep_both: bool) -> list[Result]:
    """Checkov failures minus those one of our failed rules found on the same resource."""
    failing: dict[tuple, list[Result]] = {}
    for result in ours:
        if result.status in (Status.failed, Status.waived):
            failing.setdefault((result.resource.key, result.rule.id), []).append(result)
    out = []
    for result in found:
        mapping = table.get(result.rule.id)
        same = [r for rule_id in (mapping.same_as if mapping else ())
                for r in failing.get((result.resource.key, rule_id), [])]
        if result.status is Status.failed and same:
            for mine in same:
                mine.details = dict(mine.details or {})
                mine.details["corroborated_by"] = sorted({*mine.details.get("corroborated_by", []), result.rule.id})
            if not keep_both:
                continue
            result.details = {**(result.details or {}), "duplicate_of": sorted({r.rule.id for r in same})}
        out.append(result)
    return out
