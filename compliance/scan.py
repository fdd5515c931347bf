"""The pipeline: discover -> load -> evaluate -> (waivers, controls) -> report.

Files are loaded and checked in worker processes (fork) when there are many;
rules that need the whole inventory run afterwards in this process, once every
resource is known.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import waivers
from .controls import Catalogs, load_catalogs
from .discover import Target, discover
from .engines.rego import PolicySet, load_policies
from .errors import InputError
from .evaluate import (
    Checker,
    FileOutcome,
    check_inventory,
    families_of,
    file_size,
    pool_check_at,
    prepare_loaders,
    serving,
)
from .loaders import LoadContext
from .loaders import terraform_plan as tf_plan_loader
from .loaders._text import DEFAULT_MAX_BYTES, LoadError, decode, read_limited, read_text
from .model import InputIssue, Resource, Result, Rule, Skipped, format_path
from .resources import data_dir
from .rules import builtin_rules, user_rules
from .waivers import Waiver

# Below this many files a pool costs more to start than it saves.
POOL_MIN_FILES = 48
ENGINES = ("rego", "python")


@dataclass(slots=True)
class ScanOptions:
    paths: Sequence[str]
    root: Path = field(default_factory=Path.cwd)
    environment: str | None = None
    policy_dirs: Sequence[Path] = ()
    builtin: bool = True
    engines: Sequence[str] = ENGINES
    jobs: int = 0  # 0: one per CPU
    max_file_size: int = DEFAULT_MAX_BYTES
    params: dict[str, dict] = field(default_factory=dict)
    follow_symlinks: bool = False
    stdin: IO[bytes] | None = None
    loader_options: dict = field(default_factory=dict)
    environment_globs: tuple[tuple[str, str], ...] = ()
    disabled_rules: dict[str, str] = field(default_factory=dict)  # id or name -> reason
    waivers: list[dict] = field(default_factory=list)  # raw entries from compliance.yaml / waivers.yaml
    max_waiver_days: int = 365
    python_rule_files: Sequence[Path] = ()  # only ever set with --allow-python-rules
    frameworks: Sequence[str] = ()  # ids or aliases in scope; empty: every catalog
    controls_files: Sequence[Path] = ()  # a company's own catalogs, beside the built-in ones
    notices: list[str] = field(default_factory=list)  # settings warnings, copied into the report
    today: dt.date = field(default_factory=dt.date.today)
    opa: Any = None  # engines.opa_remote.OpaSettings: evaluate Rego on that OPA server (--opa-url)
    show_duplicates: bool = False  # keep Checkov findings that corroborate one of ours (--show-duplicates)
    cache_dir: Path | None = None  # results cache (compliance.cache); None: every scan runs in full

    def load_context(self) -> LoadContext:
        return LoadContext(environment=self.environment, max_file_size=self.max_file_size,
                           environment_globs=tuple(self.environment_globs), options=dict(self.loader_options))


@dataclass(slots=True)
class ScanReport:
    rules: list[Rule]
    resources: list[Resource]
    results: list[Result]
    skipped: list[Skipped]
    issues: list[InputIssue]
    files_scanned: int
    warnings: list[str] = field(default_factory=list)
    # The exceptions register: every configured and inline waiver with its status today.
    waiver_register: list[dict] = field(default_factory=list)
    disabled_rules: dict[str, str] = field(default_factory=dict)  # rule id -> reason
    baseline_fixed: list[dict] | None = None  # with --baseline: known findings no longer present
    # The controls stage: rule id -> requirement refs ("pci-dss-4.0.1:1.3.1"), for the frameworks in scope.
    controls: dict[str, list[str]] = field(default_factory=dict)
    catalogs: Any = None  # compliance.controls.Catalogs used for the mapping and coverage
    frameworks: list[str] = field(default_factory=list)  # framework ids in scope


class _Collector:
    """Turns each file's result rows into Results as the file arrives, and packs its resources' bodies."""

    def __init__(self, rules_by_id: dict[str, Rule]):
        self.rules_by_id = rules_by_id
        self.results: list[Result] = []
        self._shared: dict = {}  # one object per distinct message and path: copies of a resource repeat them

    def add(self, outcome: FileOutcome) -> None:
        for resource in outcome.resources:
            resource.pack()  # a no-op for what pool workers packed; the serial path packs here
        shared, rules, resources = self._shared, self.rules_by_id, outcome.resources
        for rule_id, index, status, message, path, line, end, details in outcome.results:
            self.results.append(Result(rules[rule_id], resources[index], status, shared.setdefault(message, message),
                                       shared.setdefault(path, path), line, end, details))
        outcome.results = []  # Results now (the cache stored its rows in check_target): free them


def load_rules(options: ScanOptions) -> tuple[PolicySet, list[Rule]]:
    """The Rego policy set and Python rules this scan uses (disabled rules left out)."""
    policies, python_rules, _, _ = _load_rules(options)
    return policies, python_rules


def _load_rules(options: ScanOptions) -> tuple[PolicySet, list[Rule], dict[str, str], list[str]]:
    """The rules in use, then the disabled ones by id with their reasons and the disabled names
    that match no rule: one load serves both."""
    dirs: list[Path] = []
    labels: list[str] = []
    if "rego" in options.engines:
        if options.builtin:
            dirs.append(data_dir("rego"))
            labels.append("rego")
        for directory in options.policy_dirs:
            dirs.append(Path(directory))
            labels.append(Path(directory).as_posix())
    policies = load_policies(dirs, labels=labels) if dirs else PolicySet([], [])
    python_rules = builtin_rules() if "python" in options.engines and options.builtin else []
    if "python" in options.engines and options.python_rule_files:
        python_rules = [*python_rules, *user_rules(list(options.python_rule_files))]
    clash = {r.id for r in policies.rules} & {r.id for r in python_rules}
    if clash:
        raise InputError(f"rule ids defined by both Rego and Python rules: {', '.join(sorted(clash))}")
    disabled: dict[str, str] = {}
    unknown: list[str] = []
    if options.disabled_rules:
        every = [*policies.rules, *python_rules]
        for name, reason in options.disabled_rules.items():
            match = next((r for r in every if name in (r.id, r.name)), None)
            if match is None:
                unknown.append(name)
            else:
                disabled[match.id] = reason
        policies = PolicySet(policies.modules, [r for r in policies.rules if r.id not in disabled])
        python_rules = [r for r in python_rules if r.id not in disabled]
    return policies, python_rules, dict(sorted(disabled.items())), sorted(unknown)


def _gc_tuned(func: Callable) -> Callable:
    """Run func with the cyclic garbage collector mostly out of the way.

    A scan allocates millions of small containers (parsed YAML, results) that reference
    counting frees; at the default threshold the collector walks the growing heap again
    and again for nothing (a third of the CPU on a 1,300-file corpus). Objects alive
    before the scan are frozen (never scanned, and their pages stay shared with forked
    workers) and collections run a hundred times less often.
    """

    @functools.wraps(func)
    def run(*args, **kwargs):
        threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(max(threshold[0], 70_000), *threshold[1:])
        try:
            return func(*args, **kwargs)
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()

    return run


def scan(options: ScanOptions, *, progress: Callable[[int, int], None] | None = None) -> ScanReport:
    """Run the whole pipeline over options.paths.

    Args:
        options: what to scan and how.
        progress: called as progress(done, total) after each file.

    Raises:
        InputError: a named path does not exist or stdin was asked for twice.
        PolicyError: a policy does not compile or has invalid metadata.
        EngineError: the OPA server (--opa-url) or Checkov cannot be used.
    """
    if options.opa is not None and "rego" in options.engines:
        from .engines.opa_remote import RemoteOpa

        with RemoteOpa(options.opa) as remote:  # deletes what it uploaded, even on error
            return _scan(options, progress, remote)
    from .cache import open_cache

    cache = open_cache(options)
    cached = cache.load_run() if cache is not None else None
    if cached is not None:  # nothing changed since an earlier run: its finished report
        return cached
    report = _scan(options, progress, None, cache)
    if cache is not None:
        cache.store_run(report)
    return report


@_gc_tuned
def _scan(options: ScanOptions, progress: Callable[[int, int], None] | None, remote: Any,
          cache: Any = None) -> ScanReport:
    configured = waivers.from_config(options.waivers, today=options.today, max_days=options.max_waiver_days)
    catalogs = load_catalogs(list(options.controls_files))
    selected = catalogs.select(options.frameworks)  # unknown framework names fail before any file is read
    policies, python_rules, disabled, unknown = _load_rules(options)
    found = discover(options.paths, root=options.root, follow_symlinks=options.follow_symlinks,
                     include_bases=bool(options.loader_options.get("include_bases")))
    prepare_loaders({t.kind for t in found.targets})
    if cache is not None:
        cache.note_targets(found.targets)  # before the pool forks: workers inherit the keys
    checker = Checker(options, policies, python_rules, remote, cache, families=families_of(found.targets))
    if any(r.engine == "rego" for r in policies.rules):
        checker.rego()  # compile now: a broken policy is a usage error, before any file is read

    outcomes: list[tuple[Target, FileOutcome]] = []
    rules_by_id = {r.id: r for r in [*policies.rules, *python_rules]}
    collector = _Collector(rules_by_id)  # rows become Results as each file arrives: they never pile up
    stdin_texts: dict[str, str] = {}
    file_targets = [t for t in found.targets if t.path is not None]
    stdin_targets = [t for t in found.targets if t.path is None]
    if len(stdin_targets) > 1:
        raise InputError("standard input (-) can be named only once")
    for target in stdin_targets:
        stream = options.stdin or sys.stdin.buffer
        try:
            text = decode(read_limited(stream, options.max_file_size))
        except LoadError as exc:
            outcomes.append((target, FileOutcome(issues=[InputIssue(target.display, exc.message, exc.line)])))
            continue
        stdin_texts[target.display] = text
        is_json = text.lstrip().lstrip("\ufeff").startswith("{")
        # Plan JSON on stdin (`terraform show -json plan.out | compliance scan -`), told by its keys.
        plan_target = Target(None, target.display, "terraform-plan")
        plan = (tf_plan_loader.load_stdin(text, plan_target, checker.context, root=Path(options.root))
                if is_json else None)
        if plan is not None:
            outcomes.append((plan_target, checker.check_loaded(plan)))
        else:
            outcomes.append((target, checker.check_text(text, target.display, is_json=is_json)))
        collector.add(outcomes[-1][1])

    jobs = options.jobs or os.cpu_count() or 1
    total = len(file_targets)
    if jobs > 1 and total >= POOL_MIN_FILES:
        with serving(checker):
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(jobs) as pool:
                # Largest files first: the last tasks are then the smallest, so no worker idles while
                # another finishes one big file (a few files hold a fifth of a corpus). Chunks of up to
                # 32 files: each message through the pool costs the parent about 0.5 ms, which at 8
                # files a chunk took a tenth of a second from the workers. Outcomes are put back in
                # file order.
                order = sorted(range(total), key=lambda i: -file_size(file_targets[i]))
                arrived: list[FileOutcome | None] = [None] * total
                chunk = max(1, min(32, total // (jobs * 8)))
                tasks = [(i, file_targets[i]) for i in order]
                arriving = pool.imap_unordered(pool_check_at, tasks, chunksize=chunk)
                for done, (index, outcome) in enumerate(arriving, 1):
                    arrived[index] = outcome
                    collector.add(outcome)
                    if progress:
                        progress(done, total)
                outcomes.extend(zip(file_targets, arrived, strict=True))  # type: ignore[arg-type]
    else:
        for done, target in enumerate(file_targets, 1):
            outcomes.append((target, checker.check_target(target)))
            collector.add(outcomes[-1][1])
            if progress:
                progress(done, total)

    resources: list[Resource] = []
    skipped = list(found.skipped)
    issues: list[InputIssue] = []
    input_warnings: list[str] = []
    for _target, outcome in outcomes:  # every outcome was collected as it arrived
        resources.extend(outcome.resources)
        skipped.extend(outcome.skipped)
        issues.extend(outcome.issues)
        input_warnings.extend(outcome.warnings)
    results = collector.results
    del collector

    inventory_rules = [r for r in [*policies.rules, *python_rules] if r.needs_inventory]
    if inventory_rules:
        targets = {t.display: t for t, _ in outcomes}
        # A .tf directory is one target whose resources name their own files (rendered
        # Helm and Kustomize resources find theirs through _origin_target).
        for target, outcome in outcomes:
            for resource in outcome.resources:
                origin = resource.source.origin
                if origin is None or origin.kind.startswith("terraform"):
                    targets.setdefault(resource.source.file, target)
        results.extend(check_inventory(options, policies, inventory_rules, resources, targets, stdin_texts,
                                        remote))
        for resource in resources:
            resource.pack()  # drop the bodies the cross-resource rules decoded
    if "checkov" in options.engines:
        from .engines import checkov as checkov_engine

        # Checkov runs once over the scanned paths; its findings join ours, de-duplicated.
        for rule in checkov_engine.run(options, resources, results, input_warnings):
            rules_by_id.setdefault(rule.id, rule)

    results = _sorted_results(results)
    resources.sort(key=lambda r: (r.source.file, r.source.start_line, r.source.document, r.id))
    skipped.sort(key=lambda s: (s.path, s.line or 0, s.reason))
    issues.sort(key=lambda i: (i.path, i.line or 0, i.message))
    rules = sorted(rules_by_id.values(), key=lambda r: r.id)
    report = ScanReport(rules, resources, results, skipped, issues, files_scanned=len(outcomes),
                        warnings=input_warnings)
    _apply_waivers(report, configured, options)
    _map_controls(report, catalogs, selected)
    report.warnings.extend(options.notices)
    report.disabled_rules = disabled
    report.warnings.extend(f"disabled_rules: no rule {name!r} exists" for name in unknown)
    return report


def _map_controls(report: ScanReport, catalogs: Catalogs, selected: list) -> None:
    """The controls stage: which requirements each rule bears on, within the frameworks in scope."""
    in_scope = {f.id for f in selected}
    report.catalogs = catalogs
    report.frameworks = [f.id for f in selected]
    report.controls = {
        rule.id: [ref for ref in catalogs.controls_for(rule.id) if ref.split(":", 1)[0] in in_scope]
        for rule in report.rules
    }


def _apply_waivers(report: ScanReport, configured: list[Waiver], options: ScanOptions) -> None:
    """The waivers stage: configured plus inline waivers mark failures `waived`."""
    active = list(configured)
    cache: dict[str, list[str] | None] = {}

    def read_lines(file: str) -> list[str] | None:
        if file not in cache:
            try:
                cache[file] = read_text(Path(options.root) / file, options.max_file_size).splitlines()
            except (OSError, LoadError):
                cache[file] = None
        return cache[file]

    for resource in report.resources:
        found, problems = waivers.inline(resource, today=options.today, max_days=options.max_waiver_days,
                                         read_lines=read_lines)
        resource.pack()  # read one at a time: never every body decoded at once
        active.extend(found)
        report.warnings.extend(problems)
    report.warnings.extend(waivers.apply(report.results, active, today=options.today))
    report.waiver_register = sorted((w.as_dict(options.today) for w in active),
                                    key=lambda w: (w["rule"], w["resource"], w["where"]))


def _sorted_results(results: list[Result]) -> list[Result]:
    """The results in Result.sort_key order, sorted file by file.

    The key leads with the file, so sorting each file's results and joining the files in
    order gives the same list as one sort; but one sort holds a key tuple for every result at
    once (35 MB on a x10 corpus, most of the scan's peak memory above its results), and this
    only one file's.
    """
    by_file: dict[str, list[Result]] = {}
    for result in results:
        by_file.setdefault(result.resource.source.file, []).append(result)
    results.clear()
    key = _result_order()
    for file in sorted(by_file):
        group = by_file.pop(file)
        group.sort(key=key)
        results.extend(group)
    return results


def _result_order() -> Callable[[Result], tuple]:
    """Result.sort_key with each distinct field path formatted once (results repeat a few
    hundred paths; formatting each of 250,000 again was half the cost of sorting a x10 scan)."""
    formatted: dict[tuple, str] = {}

    def key(result: Result) -> tuple:
        src, path = result.resource.source, result.path
        text = formatted.get(path) if type(path) is tuple else None
        if text is None:
            text = format_path(path)
            if type(path) is tuple:  # a list path (hand-made Result) is formatted every time
                formatted[path] = text
        return (src.file, result.line or src.start_line, src.document, result.rule.id, result.resource.id, text,
                result.message)

    return key
