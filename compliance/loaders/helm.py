"""Helm charts -> Resources, rendered with `helm template`, located at the template line.

A chart directory (with Chart.yaml) is rendered once with its default values and
once more for each per-environment values file found by convention
(`values-production.yaml`, `values.production.yaml`), each render checked as that
environment. `--helm-values` replaces the convention: one render with exactly
the files the user gave; `--helm-set` applies on top of every render. Findings
point at the template named by the `# Source:` comment Helm writes above each
document, at the line of the field's key when the template names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from pathlib import PurePosixPath

import yaml

from .. import environment as env
from ..discover import Target
from ..model import InputIssue, Origin, Path, Resource, Skipped
from . import LoadContext, Loaded, Span, _render
from ._template_lines import document_ranges, find_kind_line, locate_field, resource_document
from ._text import LoadError, read_text
from .kubernetes import load_text

CHART_FILE = "Chart.yaml"
_ENV_VALUES = re.compile(r"^values[-.](?P<env>[A-Za-z0-9_-]+)\.ya?ml$")
_SOURCE = re.compile(r"^# Source: (?P<path>\S.*?)\s*$")
_MISSING_DEPS = "missing in charts/ directory"
# Rendered as the release namespace when none is given, then removed again: the objects
# then have no namespace (decided at deploy time), rather than helm's stand-in "default".
UNSET_NAMESPACE = "compliance-release-namespace-unset"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class _Render:
    environment: str | None
    values: tuple[FsPath, ...]  # in the order helm merges them (later wins)
    label: str  # "values values.yaml, values-production.yaml"


def load(target: Target, context: LoadContext) -> Loaded:
    """Render one chart directory and return its resources (the Loader entry point)."""
    assert target.path is not None
    chart_dir = target.path
    templates: dict[str, FsPath] = {}  # display path -> file, for the locate function
    out = Loaded(locate=_locator(templates))
    try:
        meta = _chart_meta(chart_dir)
    except LoadError as exc:
        out.issues.append(InputIssue(_join(target.display, CHART_FILE), exc.message, exc.line))
        return out
    name = meta["name"]
    try:
        helm = _render.require_tool("helm", untrusted=chart_dir)
    except _render.RenderError as exc:
        out.skipped.append(Skipped(target.display, f"Helm chart not rendered: {exc.message}"))
        return out
    options = context.options
    release = options.get("helm_release") or name
    namespace = options.get("helm_namespace") or UNSET_NAMESPACE
    for option, value in (("--helm-release", release), ("--helm-namespace", namespace)):
        if not _DNS_LABEL.match(value):
            out.issues.append(InputIssue(target.display, f"{option} {value!r} is not a valid name (lower-case "
                                         "letters, digits and '-', at most 63, starting with a letter or digit)"))
            return out
    for plan in _plans(chart_dir, context):
        # Every option in KEY=VALUE form, so no value can ever be read as another flag.
        argv = [str(helm), "template", release, str(chart_dir), f"--namespace={namespace}"]
        argv += [f"--values={values}" for values in plan.values]
        argv += [f"--set={assignment}" for assignment in options.get("helm_set") or ()]
        detail = f"chart {name}, {plan.label}" + (f", env {plan.environment}" if plan.environment else "")
        if options.get("helm_set"):
            # Keys only: a --helm-set value may be a secret, and this text is printed.
            detail += ", set " + ", ".join(item.split("=", 1)[0] for item in options["helm_set"])
        try:
            done = _render.run(argv, cwd=chart_dir, max_output=context.max_file_size,
                               timeout=float(options.get("render_timeout") or _render.DEFAULT_TIMEOUT))
        except _render.RenderError as exc:
            out.issues.append(InputIssue(target.display, f"helm template failed ({detail}): {exc.message}"))
            continue
        if done.returncode != 0:
            out.issues.append(_render_issue(done.stderr, chart_dir, target.display, name, detail))
            continue
        _add_rendered(out, done.stdout, target, name, plan, detail, context, templates)
    return out


def _chart_meta(chart_dir: FsPath) -> dict:
    path = chart_dir / CHART_FILE
    text = read_text(path, 1024 * 1024)
    try:
        meta = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise LoadError(f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
        raise LoadError("Chart.yaml has no name (not a Helm chart)", 1)
    return meta


def _plans(chart_dir: FsPath, context: LoadContext) -> list[_Render]:
    """Which renders to run: the user's values, or the defaults plus one per environment file."""
    options = context.options
    forced = context.environment
    user_values = [FsPath(v).absolute() for v in options.get("helm_values") or ()]
    if user_values:
        label = "values " + ", ".join(["values.yaml", *(v.name for v in user_values)])
        environment = forced
        for value_file in user_values:
            environment = forced or env.from_path(value_file.name) or environment
        return [_Render(environment, tuple(user_values), label)]
    per_env: dict[str, list[FsPath]] = {}
    for path in sorted(chart_dir.iterdir()):
        match = _ENV_VALUES.match(path.name)
        if match and path.is_file():
            environment = env.from_path(match.group("env")) or match.group("env").lower()
            per_env.setdefault(environment, []).append(path)
    if forced:
        files = per_env.get(forced, [])
        return [_Render(forced, tuple(files), "values " + ", ".join(["values.yaml", *(f.name for f in files)]))]
    plans = [_Render(None, (), "values values.yaml")]
    for environment in sorted(per_env):
        files = per_env[environment]
        plans.append(_Render(environment, tuple(files),
                             "values " + ", ".join(["values.yaml", *(f.name for f in files)])))
    return plans


def _render_issue(stderr: str, chart_dir: FsPath, chart_display: str, chart_name: str,
                  detail: str) -> InputIssue:
    """Turn helm's error into an issue at the template and line it names."""
    message = _render.first_error_line(stderr)
    if _MISSING_DEPS in message:
        missing = message.split(_MISSING_DEPS, 1)[1].strip(" :")
        lines = _lines(chart_dir / CHART_FILE)
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("dependencies:")), None)
        return InputIssue(_join(chart_display, CHART_FILE),
                          f"chart dependencies not vendored in charts/: {missing}; run `helm dependency build` "
                          f"where the chart repositories are reachable, then scan again ({detail})", line)
    where = re.search(rf"(?<![\w/]){re.escape(chart_name)}/(?P<file>[^\s:()]+):(?P<line>\d+)", message)
    if where:
        return InputIssue(_join(chart_display, where.group("file")), f"helm template failed ({detail}): {message}",
                          int(where.group("line")))
    return InputIssue(chart_display, f"helm template failed ({detail}): {message}")


def _add_rendered(out: Loaded, rendered: str, target: Target, chart_name: str, plan: _Render, detail: str,
                  context: LoadContext, templates: dict[str, FsPath]) -> None:
    display = f"{target.display} (rendered: {detail})"
    # Without an environment of its own, a render takes the chart directory's (envs/prod/chart),
    # else each object's labels.
    environment = plan.environment or env.for_path(target.display, forced=context.environment,
                                                   globs=context.environment_globs)
    loaded = load_text(rendered, display, environment=environment)
    out.issues.extend(loaded.issues)
    out.skipped.extend(s for s in loaded.skipped if s.reason != "empty file")
    sources = _source_lines(rendered)
    seen: dict[tuple[str, str], int] = {}
    base = _render.document_base(detail)
    for resource in loaded.resources:
        _drop_unset_namespace(resource)
        template = _template_for(sources, resource.source.start_line)
        if template is None:
            out.resources.append(resource)
            continue
        relative = _chart_relative(template, chart_name)
        file = _join(target.display, relative)
        templates[file] = target.path / relative
        occurrence = seen.get((file, resource.type), 0)
        seen[(file, resource.type)] = occurrence + 1
        start, end = _template_span(target.path / relative, resource.type, occurrence)
        origin = Origin(kind="helm", file=file, line=start, detail=detail)
        resource.source = replace(resource.source, file=file, start_line=start, end_line=end, origin=origin,
                                  document=base + resource.source.document)
        out.resources.append(resource)


def _drop_unset_namespace(resource: Resource) -> None:
    meta = resource.body.get("metadata")
    if isinstance(meta, dict) and meta.get("namespace") == UNSET_NAMESPACE:
        del meta["namespace"]
        resource.namespace = None
        resource.id = f"{resource.type}/{resource.name}"


def _source_lines(rendered: str) -> list[tuple[int, str]]:
    """(1-based line, template path) of every `# Source:` comment, in order."""
    found = []
    for number, line in enumerate(rendered.splitlines(), 1):
        match = _SOURCE.match(line)
        if match:
            found.append((number, match.group("path")))
    return found


def _template_for(sources: list[tuple[int, str]], line: int) -> str | None:
    best = None
    for number, path in sources:
        if number >= line:
            break
        best = path
    return best


def _chart_relative(template: str, chart_name: str) -> str:
    """payment-service/templates/x.yaml -> templates/x.yaml (subcharts keep charts/<sub>/...)."""
    parts = PurePosixPath(template).parts
    return PurePosixPath(*parts[1:]).as_posix() if len(parts) > 1 and parts[0] == chart_name else template


def _join(directory: str, relative: str) -> str:
    return relative if directory in ("", ".") else f"{directory.rstrip('/')}/{relative}"


def _template_span(path: FsPath, kind: str, occurrence: int) -> tuple[int, int]:
    """The template's line of this object's `kind:` (else line 1), and its document's last line."""
    lines = _lines(path)
    if not lines:
        return 1, 1
    line = find_kind_line(lines, kind, occurrence)
    if line is None:
        return 1, len(lines)
    for first, last in document_ranges(lines):
        if first <= line <= last:
            return line + 1, last + 1
    return line + 1, len(lines)


_LINE_CACHE: dict[FsPath, list[str]] = {}


def _lines(path: FsPath) -> list[str]:
    if path not in _LINE_CACHE:
        try:
            _LINE_CACHE[path] = read_text(path, 8 * 1024 * 1024).splitlines()
        except LoadError:
            _LINE_CACHE[path] = []
        if len(_LINE_CACHE) > 512:  # a bound, not a policy: long scans touch many charts
            _LINE_CACHE.pop(next(iter(_LINE_CACHE)))
    return _LINE_CACHE[path]


def _locator(templates: dict[str, FsPath]):
    """locate(resource, path): the template line of a field, the deepest key of path it names."""

    def locate(resource: Resource, path: Path) -> Span | None:
        template = templates.get(resource.source.file)
        return locate_in_template(_lines(template), resource, path) if template else None

    return locate


def locate_in_template(lines: list[str], resource: Resource, path: Path) -> Span | None:
    """Span of the deepest key of `path` in one document of a template, or None."""
    if not lines:
        return None
    return locate_field(lines, resource, path, *resource_document(lines, resource))


def relocator(target: Target, context: LoadContext):
    """A locate function for resources whose source is the template file `target.path`."""
    del context
    lines = _lines(target.path) if target.path is not None else []

    def locate(resource: Resource, path: Path) -> Span | None:
        return locate_in_template(lines, resource, path)

    return locate
