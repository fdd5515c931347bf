"""The evaluate stage: load each target and run the per-resource rules on it (in forked
pool workers when there are many files), then the cross-resource rules once every
resource is loaded (half of them in a forked child), locating their findings from the
outline a worker sent, or by re-reading only the files that fail.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._fork_halves import run_halves
from .discover import Target
from .engines import python as python_engine
from .engines.rego import PolicySet, RegoEvaluator
from .inventory import Inventory
from .loaders import LoadContext, Loaded
from .loaders import kubernetes as k8s_loader
from .loaders import terraform_plan as tf_plan_loader
from .loaders._text import LoadError, read_text
from .locate import outline_span, unpack_outline
from .model import InputIssue, Resource, Result, Rule, Skipped, Status, Violation

if TYPE_CHECKING:
    from .scan import ScanOptions


@dataclass(slots=True)
class FileOutcome:
    resources: list[Resource] = field(default_factory=list)
    # (rule id, resource index in this file, status, message, path, line, end line, details)
    results: list[tuple] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    issues: list[InputIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)



# Each target kind's loader, and how to get a line locator again for a file
# whose resources fail a cross-resource rule (those run after all files loaded).
# Helm, Kustomize and .tf loaders are imported when a scan meets such a target
# (prepare_loaders), so a scan of manifests or plans does not pay for them at start-up.
LOADERS: dict[str, Callable[[Target, LoadContext], Loaded]] = {
    "kubernetes": k8s_loader.load,
    "json": tf_plan_loader.load_json,
    "terraform-plan": tf_plan_loader.load,
}
RELOCATORS: dict[str, Callable[[Target, LoadContext], Callable | None]] = {
    "kubernetes": lambda target, ctx: k8s_loader.locator(read_text(target.path, ctx.max_file_size)),
    "json": tf_plan_loader.relocate_json,
    "terraform-plan": tf_plan_loader.locator,
}
# kind -> module whose load() and relocator/locator serve it
_LAZY_LOADERS = {"terraform-hcl": ("terraform_hcl", "locator"), "helm-chart": ("helm", "relocator"),
                 "kustomize": ("kustomize", "relocator")}


# Target kind -> the resource families its loader can give (a .json file is a plan or a manifest).
_FAMILIES = {"kubernetes": ("kubernetes",), "helm-chart": ("kubernetes",), "kustomize": ("kubernetes",),
             "json": ("kubernetes", "terraform"), "terraform-plan": ("terraform",),
             "terraform-hcl": ("terraform",)}


def families_of(targets: Iterable[Target]) -> set[str] | None:
    """The resource families these targets can hold; None when any (standard input, an unknown kind)."""
    families: set[str] = set()
    for target in targets:
        if target.path is None or target.kind not in _FAMILIES:
            return None
        families.update(_FAMILIES[target.kind])
    return families


def prepare_loaders(kinds: Iterable[str]) -> None:
    """Import the loaders of these target kinds (before the pool forks, so workers share them)."""
    import importlib

    for kind in kinds:
        if kind in _LAZY_LOADERS and kind not in LOADERS:
            name, relocate = _LAZY_LOADERS[kind]
            module = importlib.import_module(f".loaders.{name}", __package__)
            LOADERS[kind] = module.load
            # For helm and kustomize the relocated target is the template or base/patch file
            # a rendered resource points at.
            RELOCATORS[kind] = getattr(module, relocate)


def _lazy(table: dict[str, Callable], kind: str) -> Callable | None:
    """table[kind] once its loader is imported (a scan prepares them up front; other callers may not)."""
    prepare_loaders([kind])
    return table.get(kind)


class Checker:
    """Loads targets and evaluates the per-resource rules; one per process."""

    def __init__(self, options: ScanOptions, policies: PolicySet, python_rules: list[Rule], remote: Any = None,
                 cache: Any = None, families: Collection[str] | None = None):
        self.options = options
        self.families = families  # resource families the targets can hold (None: any)
        self.cache = cache  # compliance.cache.ResultsCache: per-file results of unchanged targets
        self.remote = remote  # engines.opa_remote.RemoteOpa when Rego runs on an OPA server
        self.context = options.load_context()
        self.policies = policies
        self.rego_rules = [r for r in policies.rules if not r.needs_inventory]
        self.python_rules = [r for r in python_rules if not r.needs_inventory]
        self.inventory_rules = [r for r in [*policies.rules, *python_rules] if r.needs_inventory]
        # Families whose every body the cross-resource Rego rules copy into their engine (None, for a
        # rule of no family: all), as check_inventory picks them.
        self.pinned_families = frozenset(r.applies_to.family for r in self.inventory_rules if r.engine == "rego")
        self._rego: RegoEvaluator | None = None
        self._inventory_cache: dict[tuple, list[Rule]] = {}
        self._rego_cache: dict[tuple, list[Rule]] = {}
        self._python_cache: dict[tuple, list[Rule]] = {}

    def rego(self) -> RegoEvaluator:
        if self._rego is None:
            self._rego = (RegoEvaluator(self.policies, params=self.options.params, families=self.families)
                          if self.remote is None else
                          self.remote.evaluator(PolicySet(self.policies.modules, self.rego_rules),
                                                params=self.options.params))
        return self._rego

    def check_target(self, target: Target) -> FileOutcome:
        loader = LOADERS.get(target.kind) or _lazy(LOADERS, target.kind)
        if loader is None:
            return FileOutcome(skipped=[Skipped(target.display, f"no loader for {target.kind}")])
        try:
            loaded = loader(target, self.context)
        except LoadError as exc:
            return FileOutcome(issues=[InputIssue(target.display, exc.message, exc.line)])
        rows = self.cache.file_rows(target, loaded) if self.cache is not None else None
        if rows is not None:  # unchanged target, rules and settings: loaded (for the inventory), not evaluated
            self._for_inventory(loaded)
            return FileOutcome(loaded.resources, rows, loaded.skipped, loaded.issues, loaded.warnings)
        outcome = self.check_loaded(loaded)
        if self.cache is not None:
            self.cache.store_file(target, outcome)  # here, so pool workers write their entries in parallel
        return outcome

    def check_text(self, text: str, display: str, *, is_json: bool) -> FileOutcome:
        return self.check_loaded(k8s_loader.load_text(text, display, environment=self.options.environment,
                                                      is_json=is_json))

    def check_loaded(self, loaded: Loaded) -> FileOutcome:
        self._for_inventory(loaded)
        outcome = FileOutcome(loaded.resources, [], loaded.skipped, loaded.issues, loaded.warnings)
        for index, resource in enumerate(loaded.resources):
            for rule_id, found in self._evaluate(resource):
                outcome.results.extend(result_rows(rule_id, index, resource, found, loaded.locate))
        return outcome

    def _for_inventory(self, loaded: Loaded) -> None:
        """Ready the resources for the cross-resource rules, while their file's nodes are here."""
        pinned = self.pinned_families
        if pinned:  # the Rego ones copy these bodies into their engine: kept decoded
            for resource in loaded.resources:
                resource.pinned = None in pinned or resource.family in pinned
        self._outline(loaded)

    def _outline(self, loaded: Loaded) -> None:
        """Give the resources that cross-resource rules check their outline."""
        if loaded.outline is None or not self.inventory_rules:
            return
        for resource in loaded.resources:
            if applicable(self.inventory_rules, resource, self._inventory_cache):
                resource.outline = loaded.outline(resource)

    def _evaluate(self, resource: Resource):
        rego_rules = applicable(self.rego_rules, resource, self._rego_cache)
        if rego_rules:
            found = self.rego().evaluate(resource, rego_rules)
            for rule in rego_rules:
                yield rule.id, found.get(rule.id, [])
        for rule in applicable(self.python_rules, resource, self._python_cache):
            yield rule.id, python_engine.evaluate(
                rule, resource, inventory=None, params=self.options.params.get(rule.id))


def applicable(rules: list[Rule], resource: Resource, cache: dict[tuple, list[Rule]]) -> list[Rule]:
    """The rules that apply to a resource. Applicability depends only on family, type and
    environment, so it is worked out once per combination, not once per resource."""
    key = (resource.family, resource.type, resource.environment)
    found = cache.get(key)
    if found is None:
        found = cache[key] = [r for r in rules if r.applies(resource)]
    return found


def result_rows(rule_id: str, index: int, resource: Resource, found: list[Violation] | str,
          locate: Callable | None) -> list[tuple]:
    src = resource.source
    if isinstance(found, str):
        return [(rule_id, index, Status.error, found, (), src.start_line, src.end_line, None)]
    if not found:
        return [(rule_id, index, Status.passed, "", (), src.start_line, src.end_line, None)]
    rows = []
    for violation in found:
        span = locate(resource, tuple(violation.path)) if locate else None
        line, end = span or (src.start_line, src.end_line)
        rows.append((rule_id, index, Status.failed, violation.msg, tuple(violation.path), line, end,
                     violation.details))
    return rows



_CHECKER: Checker | None = None  # the checker forked pool workers inherit


@contextlib.contextmanager
def serving(checker: Checker) -> Iterator[None]:
    """Make `checker` the one pool workers forked inside this block use."""
    global _CHECKER
    _CHECKER = checker
    try:
        yield
    finally:
        _CHECKER = None


def _pool_check(target: Target) -> FileOutcome:
    assert _CHECKER is not None
    outcome = _CHECKER.check_target(target)
    for resource in outcome.resources:
        # Sent back as compressed bytes: cheaper to pickle, and the parent decodes only the
        # bodies that cross-resource rules, waivers or evidence read (pinned ones stay as they are).
        resource.pack()
    return outcome


def pool_check_at(task: tuple[int, Target]) -> tuple[int, FileOutcome]:
    index, target = task
    return index, _pool_check(target)


def file_size(target: Target) -> int:
    try:
        return os.stat(target.path).st_size if target.path is not None else 0
    except OSError:
        return 0  # reported when the file is read



# Below this many resources for the cross-resource rules, forking costs more than the half it saves.
SPLIT_MIN_RESOURCES = 64


def check_inventory(options: ScanOptions, policies: PolicySet, rules: list[Rule], resources: list[Resource],
                     targets: dict[str, Target], stdin_texts: dict[str, str], remote: Any = None) -> list[Result]:
    inventory = Inventory(resources)
    cache: dict[tuple, list[Rule]] = {}
    work = [(resource, these) for resource in resources if (these := applicable(rules, resource, cache))]
    rego_rules = [r for r in rules if r.engine == "rego"]
    evaluator = None
    if any(r.engine == "rego" for _, these in work for r in these):
        # Only the families those rules cover: a Kubernetes scan does not copy every manifest into
        # the engine for the Terraform rules that read data.compliance.inventory.
        families = {r.applies_to.family for r in rego_rules}
        evaluator = (RegoEvaluator if remote is None else remote.evaluator)(
            PolicySet(policies.modules, rego_rules), params=options.params,
            inventory=[r.body for r in resources if None in families or r.family in families])
    relocator = _Relocator(options, targets, stdin_texts)

    def rows_of(part: Sequence[int]) -> Iterator[tuple]:
        """Result rows of work[i] for each i in part, each row holding its i."""
        for position in part:
            resource, these = work[position]
            found: dict[str, list[Violation] | str] = {}
            these_rego = [r for r in these if r.engine == "rego"]
            if these_rego:
                assert evaluator is not None
                found.update(evaluator.evaluate(resource, these_rego))
            for rule in these:
                if rule.engine == "python":
                    found[rule.id] = python_engine.evaluate(rule, resource, inventory=inventory,
                                                            params=options.params.get(rule.id))
            locate = relocator.of(resource)
            for rule in these:
                yield from result_rows(rule.id, position, resource, found.get(rule.id, []), locate)

    everything = range(len(work))
    split = 0
    jobs = options.jobs or os.cpu_count() or 1
    if remote is None and jobs > 1 and len(work) >= SPLIT_MIN_RESOURCES:
        # Half the resources in a forked child (the OPA client's connection is not shared
        # with one). Halves of equal rule counts: the cost is mostly one engine call per rule.
        total = sum(len(these) for _, these in work)
        count = 0
        while split < len(work) and count * 2 < total:
            count += len(work[split][1])
            split += 1
    rows = run_halves(rows_of, everything, split) if split else rows_of(everything)
    rules_by_id = {r.id: r for r in rules}
    out = [Result(rules_by_id[rule_id], work[position][0], status, message, path, line, end, details)
           for rule_id, position, status, message, path, line, end, details in rows]
    if split:
        for resource, _ in work[split:]:
            resource.outline = None  # the child read these: their memory goes back as in rows_of
    return out


class _Relocator:
    """Locates cross-resource findings: from the outline a pool worker sent with the resource,
    else by reading the file again (a manifest's copies are composed once, by their text)."""

    def __init__(self, options: ScanOptions, targets: dict[str, Target], stdin_texts: dict[str, str]):
        self._root = options.root
        self._context = options.load_context()
        self._targets = targets
        self._stdin_texts = stdin_texts
        self._locators: dict[str, Callable | None] = {}
        self._spans: dict[tuple, Any] = {}

    def of(self, resource: Resource) -> Callable[[Resource, tuple], Any]:
        """locate(resource, path) for this resource's findings."""
        packed, resource.outline = resource.outline, None  # read once: its memory goes back as the scan moves on
        outline: list = []  # unpacked at the first finding: most resources have none

        def locate(resource: Resource, path: tuple) -> Any:
            if packed is not None:
                if not outline:
                    outline.append(unpack_outline(packed))
                span = outline_span(outline[0], path)
                if span is not None:
                    return span
            relocate = self._file_locator(resource)
            return relocate(resource, path) if relocate is not None else None

        return locate

    def _file_locator(self, resource: Resource) -> Callable | None:
        file = resource.source.file
        if file not in self._locators:
            # Re-reading a file is needed only to locate a failure. Resources come file by
            # file, so a few recent locators (each holds a parsed file) are all worth keeping.
            if len(self._locators) >= 8:
                del self._locators[next(iter(self._locators))]
            self._locators[file] = _locator_for(self._targets.get(file) or _origin_target(resource, self._root),
                                                self._stdin_texts.get(file), self._context, self._spans)
        return self._locators[file]


def _origin_target(resource: Resource, root: Path) -> Target | None:
    """Rendered resources (Helm, Kustomize) point at a template or patch file, not at their target."""
    origin = resource.source.origin
    kind = {"helm": "helm-chart", "kustomize": "kustomize"}.get(origin.kind) if origin else None
    return Target(root / resource.source.file, resource.source.file, kind) if kind else None


def _locator_for(target: Target | None, text: str | None, context: LoadContext,
                 spans: dict[tuple, Any] | None = None) -> Callable | None:
    if text is not None:
        if target is not None and target.kind == "terraform-plan":  # a plan read from stdin
            return tf_plan_loader.locator(target, context, lines=tf_plan_loader.plan_lines(text))
        return _by_text(k8s_loader.locator(text), text, spans)
    if target is not None and target.kind == "kubernetes" and spans is not None:
        try:
            text = read_text(target.path, context.max_file_size)
        except (OSError, LoadError):
            return None
        return _by_text(k8s_loader.locator(text), text, spans)
    relocate = (RELOCATORS.get(target.kind) or _lazy(RELOCATORS, target.kind)) if target is not None else None
    if relocate is None:
        return None
    try:
        return relocate(target, context)
    except (OSError, LoadError):
        return None


SPANS_LIMIT = 100_000  # located spans kept per scan (small tuples: a few MiB at most)


def _by_text(locate: Callable, text: str, spans: dict[tuple, Any] | None) -> Callable:
    """locate, remembering each span by the file's text: a manifest locator reads nothing of a
    resource but its document index, pointer and line span, so a copy of a file (the same
    text anywhere) gets the same lines without composing its documents again."""
    if spans is None:
        return locate
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def remembered(resource: Resource, path: tuple) -> Any:
        src = resource.source
        key = (digest, src.document, tuple(src.pointer), src.start_line, src.end_line, tuple(path))
        if key not in spans:
            if len(spans) >= SPANS_LIMIT:
                spans.clear()
            spans[key] = locate(resource, path)
        return spans[key]

    return remembered
