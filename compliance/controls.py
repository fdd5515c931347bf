"""Control frameworks as data: catalogs, the rule -> requirement mapping, lookups.

A framework is one YAML file (schema: controls/README.md). The built-in ones ship in
controls/; a company's own standard is one more file given with --controls. The
framework file owns the mapping, so no rule ever names a framework.

Coverage per requirement lives in compliance/coverage.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ._catalog_yaml import Problem, YamlMap, load_yaml
from .errors import InputError, PolicyError

__all__ = [
    "CatalogError", "Catalogs", "Framework", "Mapping", "Problem", "Requirement", "Section",
    "builtin_catalogs", "controls_for", "load_catalog", "load_catalogs", "natural_key", "oscal_id",
]

SCHEMA_VERSION = 1
FITS = ("direct", "supporting")
TITLE_MAX = 120  # titles are short labels, never the framework's own prose
FRAMEWORK_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
# Our ids (K8S-001, AWS-014), Checkov ids (CKV_K8S_16, CKV2_AWS_3) and custom ones.
RULE_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
_MAX_REPORTED = 50


class CatalogError(PolicyError):
    """A framework file is invalid; lists every problem as file:line: message."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0))
        shown = [str(p) for p in self.problems[:_MAX_REPORTED]]
        more = len(self.problems) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"invalid control catalog ({len(self.problems)} {noun}):\n  " + "\n  ".join(shown))


@dataclass(frozen=True, slots=True)
class Mapping:
    """One rule that tests a requirement: how well (fit) and why, in one line."""

    rule: str
    fit: str
    why: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Requirement:
    """A requirement of a framework, with the rules that test it."""

    framework: str
    id: str
    title: str
    section: str = ""
    automated: bool = True
    partial: bool = False
    evidence: str = ""
    rules: tuple[Mapping, ...] = ()
    line: int = 0

    @property
    def ref(self) -> str:
        """The id results carry: "pci-dss-4.0.1:1.3.1"."""
        return f"{self.framework}:{self.id}"


@dataclass(frozen=True, slots=True)
class Framework:
    """One catalog file."""

    id: str
    name: str
    version: str
    requirements: tuple[Requirement, ...]
    sections: tuple[Section, ...] = ()
    title: str = ""
    publisher: str = ""
    url: str = ""
    notes: str = ""
    aliases: tuple[str, ...] = ()
    id_pattern: str = ""
    file: str = ""
    builtin: bool = False

    def requirement(self, requirement_id: str) -> Requirement | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)

    def section_title(self, section_id: str) -> str:
        return next((s.title for s in self.sections if s.id == section_id), "")


def _requirement_order(pair: tuple[Requirement, Mapping]) -> tuple:
    return pair[0].framework, natural_key(pair[0].id)


@dataclass(frozen=True)
class Catalogs:
    """Every framework in use, with lookups by rule and by name."""

    frameworks: tuple[Framework, ...]
    _by_rule: dict[str, list[tuple[Requirement, Mapping]]] = field(init=False, repr=False, compare=False)
    _checkov_added: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[Requirement, Mapping]]] = {}
        for framework in self.frameworks:
            for requirement in framework.requirements:
                for mapping in requirement.rules:
                    index.setdefault(mapping.rule, []).append((requirement, mapping))
        for pairs in index.values():
            pairs.sort(key=_requirement_order)
        object.__setattr__(self, "_by_rule", index)
        object.__setattr__(self, "_checkov_added", False)

    def _index(self, rule_id: str) -> dict[str, list[tuple[Requirement, Mapping]]]:
        """The rule index; Checkov checks join it only when one is first looked up, so a scan
        without the Checkov engine never reads checkov-map.yml."""
        if not self._checkov_added and rule_id.startswith(("CKV_", "CKV2_")):
            from .engines.checkov_map import extend_index

            index = self._by_rule
            before = {rule: len(pairs) for rule, pairs in index.items()}
            extend_index(index)  # Checkov checks inherit their mapped rules' requirements
            for rule, pairs in index.items():
                if len(pairs) != before.get(rule):
                    pairs.sort(key=_requirement_order)
            object.__setattr__(self, "_checkov_added", True)
        return self._by_rule

    def framework(self, name: str) -> Framework:
        """The framework with this id or alias (case-insensitive).

        Raises:
            InputError: no such framework; the message lists the ones there are.
        """
        wanted = name.strip().lower()
        for framework in self.frameworks:
            if wanted == framework.id.lower() or wanted in (a.lower() for a in framework.aliases):
                return framework
        choices = ", ".join(f.id for f in self.frameworks) or "none loaded"
        raise InputError(f"unknown framework {name!r}; expected one of: {choices}")

    def select(self, names: Iterable[str] | None) -> list[Framework]:
        """The named frameworks in catalog order (all of them when names is empty)."""
        if not names:
            return list(self.frameworks)
        wanted = {self.framework(name).id for name in names}
        return [f for f in self.frameworks if f.id in wanted]

    def mappings_for(self, rule_id: str) -> list[tuple[Requirement, Mapping]]:
        """Every (requirement, mapping) naming this rule, by framework then requirement id."""
        return list(self._index(rule_id).get(rule_id, ()))

    def controls_for(self, rule_id: str) -> list[str]:
        """The requirement refs a rule bears on: ["gdpr:Art.32(1)(b)", "pci-dss-4.0.1:2.2.1", ...]."""
        return [requirement.ref for requirement, _ in self._index(rule_id).get(rule_id, ())]

    def rule_ids(self, frameworks: Iterable[str] | None = None) -> set[str]:
        """Every rule id mapped by the named frameworks (all when None): for scan --framework."""
        return {m.rule for f in self.select(frameworks) for r in f.requirements for m in r.rules}

    def unknown_rules(self, known: Iterable[str]) -> list[Problem]:
        """Mappings that name a rule not in `known`, each with its file and line."""
        known_ids = set(known)
        return [Problem(f.file, m.line, f"requirement {r.id}: unknown rule id {m.rule}")
                for f in self.frameworks for r in f.requirements for m in r.rules if m.rule not in known_ids]


def natural_key(value: str) -> tuple:
    """Sort 1.2.10 after 1.2.9 and Art.17 after Art.5."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", value))


def oscal_id(framework: str, requirement_id: str) -> str:
    """An OSCAL token for a requirement (control-id / target-id).

    NIST SP 800-53 labels become their OSCAL ids (AC-6(10) -> ac-6.10); other
    frameworks' ids are not tokens (parentheses, leading digits), so they are
    namespaced: pci-dss-4.0.1 10.5.1 -> pci-dss-4.0.1_10.5.1, hipaa 164.312(a)(1)
    -> hipaa-security-rule_164.312.a.1.
    """
    if framework.startswith("nist-800-53"):
        match = re.fullmatch(r"([A-Za-z]{2})-(\d+)(?:\((\d+)\))?", requirement_id)
        if match:
            family, number, enhancement = match.groups()
            return f"{family.lower()}-{number}" + (f".{enhancement}" if enhancement else "")
    token = re.sub(r"\(([^)]*)\)", r".\1", requirement_id)
    token = re.sub(r"[^\w.\-]+", "-", token).strip("-.")
    return f"{framework}_{token}"


def load_catalog(path: Path, *, display: str | None = None, builtin: bool = False) -> Framework:
    """Load and validate one framework file.

    Args:
        path: the YAML file.
        display: how the file is named in errors (default: the path as given).
        builtin: whether it ships with the tool.

    Raises:
        CatalogError: the file is unreadable or invalid; every problem names file and line.
    """
    name = display or Path(path).as_posix()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError([Problem(name, None, f"cannot read control catalog: {exc}")]) from None
    document, problems = load_yaml(text, name)
    # Duplicate keys still leave a document: check the rest too, so one run shows everything.
    framework = None if document is None and problems else _build(document, name, builtin, problems)
    if problems or framework is None:
        raise CatalogError(problems)
    return framework


def load_catalogs(paths: Sequence[Path] = (), *, builtin: bool = True) -> Catalogs:
    """The built-in frameworks (unless builtin=False) plus the files or directories in paths.

    Raises:
        CatalogError: a file is invalid, or two files define the same framework id.
        InputError: a path does not exist.
    """
    files: list[tuple[Path, str, bool]] = []
    if builtin:
        from .resources import data_dir

        root = data_dir("controls")
        files += [(p, f"controls/{p.name}", True) for p in sorted(root.glob("*.yaml"))]
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise InputError(f"{path}: no framework files (*.yaml) in this directory")
            files += [(p, p.as_posix(), False) for p in found]
        elif path.is_file():
            files.append((path, path.as_posix(), False))
        else:
            raise InputError(f"{path}: no such control catalog file or directory")
    frameworks: list[Framework] = []
    problems: list[Problem] = []
    for path, display, is_builtin in files:
        try:
            framework = load_catalog(path, display=display, builtin=is_builtin)
        except CatalogError as exc:
            problems += exc.problems
            continue
        clash = next((f for f in frameworks if f.id == framework.id), None)
        if clash is not None:
            problems.append(Problem(display, 1, f"framework id {framework.id!r} is already defined by "
                                                f"{clash.file}; give this framework another id"))
            continue
        frameworks.append(framework)
    if problems:
        raise CatalogError(problems)
    return Catalogs(tuple(frameworks))


@lru_cache(maxsize=1)
def builtin_catalogs() -> Catalogs:
    """The catalogs that ship with the tool, loaded once per process."""
    return load_catalogs()


def controls_for(rule_id: str, catalogs: Catalogs | None = None) -> list[str]:
    """The requirement refs a rule bears on, sorted by framework id then requirement id.

    Example: controls_for("K8S-041") -> ["gdpr:Art.32(1)(b)", ..., "soc2-tsc-2017:CC6.6"].
    """
    return (catalogs or builtin_catalogs()).controls_for(rule_id)


# ---------------------------------------------------------------- validation


_TOP_KEYS = {"schema_version", "framework", "sections", "requirements"}
_FRAMEWORK_KEYS = {"id", "name", "version", "title", "publisher", "url", "notes", "aliases", "id_pattern"}
_REQUIREMENT_KEYS = {"id", "title", "section", "automated", "partial", "evidence", "rules"}
_MAPPING_KEYS = {"rule", "fit", "why"}


class _Checker:
    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def keys(self, node: YamlMap, allowed: set[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                self.add(node.line_of(key), f"{what}: unknown key {key!r} (expected: {', '.join(sorted(allowed))})")

    def text(self, node: YamlMap, key: str, what: str, *, required: bool = True, limit: int = 0) -> str:
        value = node.get(key)
        if value is None:
            if required:
                self.add(node.line, f"{what}: missing {key!r}")
            return ""
        if not isinstance(value, str):
            hint = f' (quote it: "{value}")' if isinstance(value, int | float) else ""
            self.add(node.line_of(key), f"{what}: {key} must be a string, got {value!r}{hint}")
            return ""
        value = value.strip()
        if required and not value:
            self.add(node.line_of(key), f"{what}: {key} is empty")
        if limit and len(value) >= limit:
            self.add(node.line_of(key), f"{what}: {key} is {len(value)} characters; keep it under {limit}")
        return value

    def flag(self, node: YamlMap, key: str, what: str, default: bool) -> bool:
        value = node.get(key, default)
        if not isinstance(value, bool):
            self.add(node.line_of(key), f"{what}: {key} must be true or false, got {value!r}")
            return default
        return value

    def items(self, node: YamlMap, key: str, what: str) -> list:
        value = node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(node.line_of(key), f"{what}: {key} must be a list")
            return []
        return value


def _build(document: object, file: str, builtin: bool, problems: list[Problem]) -> Framework | None:
    check = _Checker(file, problems)
    if not isinstance(document, YamlMap):
        check.add(1, "a control catalog must be a mapping with framework: and requirements:")
        return None
    check.keys(document, _TOP_KEYS, "catalog")
    if document.get("schema_version") != SCHEMA_VERSION:
        check.add(document.line_of("schema_version"),
                  f"schema_version must be {SCHEMA_VERSION}, got {document.get('schema_version')!r}")
    head = document.get("framework")
    if not isinstance(head, YamlMap):
        check.add(document.line_of("framework"), "framework: must be a mapping with id, name and version")
        return None
    check.keys(head, _FRAMEWORK_KEYS, "framework")
    fid = check.text(head, "id", "framework")
    if fid and not FRAMEWORK_ID_RE.match(fid):
        check.add(head.line_of("id"), f"framework: id {fid!r} must be lower-case letters, digits, '.' and '-'")
    texts = {key: check.text(head, key, "framework", required=key in ("name", "version"))
             for key in ("name", "version", "title", "publisher", "url", "notes")}
    aliases = [a for a in check.items(head, "aliases", "framework") if isinstance(a, str)]
    pattern = check.text(head, "id_pattern", "framework", required=False)
    id_re = None
    if pattern:
        try:
            id_re = re.compile(pattern)
        except re.error as exc:
            check.add(head.line_of("id_pattern"), f"framework: id_pattern is not a valid regex: {exc}")

    sections: list[Section] = []
    for node in check.items(document, "sections", "catalog"):
        if not isinstance(node, YamlMap):
            check.add(document.line_of("sections"), "sections: each entry must be a mapping with id and title")
            continue
        sid = check.text(node, "id", "section")
        title = check.text(node, "title", f"section {sid}", limit=TITLE_MAX)
        if sid and any(s.id == sid for s in sections):
            check.add(node.line, f"section {sid}: duplicate section id")
        sections.append(Section(sid, title))
    section_ids = {s.id for s in sections}

    requirements: list[Requirement] = []
    nodes = check.items(document, "requirements", "catalog")
    if not nodes:
        check.add(document.line_of("requirements"), "requirements: the catalog lists no requirements")
    for node in nodes:
        if not isinstance(node, YamlMap):
            check.add(document.line_of("requirements"), "requirements: each entry must be a mapping")
            continue
        requirement = _requirement(node, fid, id_re, section_ids, check)
        if requirement is None:
            continue
        if any(r.id == requirement.id for r in requirements):
            check.add(node.line_of("id"), f"requirement {requirement.id}: duplicate requirement id")
        requirements.append(requirement)
    if problems:
        return None
    return Framework(id=fid, requirements=tuple(requirements), sections=tuple(sections), aliases=tuple(aliases),
                     id_pattern=pattern, file=file, builtin=builtin, **texts)


def _requirement(node: YamlMap, framework: str, id_re: re.Pattern | None, section_ids: set[str],
                 check: _Checker) -> Requirement | None:
    rid = check.text(node, "id", "requirement")
    if not rid:
        return None
    what = f"requirement {rid}"
    check.keys(node, _REQUIREMENT_KEYS, what)
    if id_re is not None and not id_re.match(rid):
        check.add(node.line_of("id"), f"{what}: id does not match the framework's id_pattern {id_re.pattern}")
    title = check.text(node, "title", what, limit=TITLE_MAX)
    section = check.text(node, "section", what, required=bool(section_ids))
    if section and section_ids and section not in section_ids:
        check.add(node.line_of("section"), f"{what}: section {section!r} is not among the catalog's sections")
    automated = check.flag(node, "automated", what, True)
    partial = check.flag(node, "partial", what, False)
    evidence = check.text(node, "evidence", what, required=False)
    if not automated and not evidence:
        check.add(node.line, f"{what}: automated: false needs evidence: (what the team collects by hand)")
    if not automated and partial:
        check.add(node.line_of("partial"), f"{what}: partial: true contradicts automated: false")
    mappings: list[Mapping] = []
    for entry in check.items(node, "rules", what):
        if not isinstance(entry, YamlMap):
            check.add(node.line_of("rules"), f"{what}: each rules entry must be a mapping {{rule, fit, why}}")
            continue
        check.keys(entry, _MAPPING_KEYS, what)
        rule = check.text(entry, "rule", what)
        if rule and not RULE_ID_RE.match(rule):
            check.add(entry.line_of("rule"), f"{what}: {rule!r} is not a valid rule id")
        fit = check.text(entry, "fit", f"{what} rule {rule}")
        if fit and fit not in FITS:
            check.add(entry.line_of("fit"), f"{what} rule {rule}: fit must be direct or supporting, got {fit!r}")
        why = check.text(entry, "why", f"{what} rule {rule}", limit=200)
        if rule and any(m.rule == rule for m in mappings):
            check.add(entry.line, f"{what}: rule {rule} is mapped twice")
        mappings.append(Mapping(rule, fit, why, entry.line))
    return Requirement(framework, rid, title, section, automated, partial, evidence,
                       tuple(sorted(mappings, key=lambda m: m.rule)), node.line)
