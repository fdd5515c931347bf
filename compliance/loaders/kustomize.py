"""Kustomize overlays -> Resources, built with `kustomize build` or `kubectl kustomize`.

Each overlay is built as a whole and checked as the environment its path names
(`overlays/production/us-east-1` -> production). Findings point at the file a
developer edits: the last patch of the overlay chain that touches the resource
(at the patched field when the patch names it), else the file in the base that
declares the resource. To learn that file, the overlay's folders are copied to a
scratch folder and built there with `buildMetadata: [originAnnotations]`; the
annotation is removed again before any rule sees the object.

Nothing remote is fetched: a `resources:` entry that is a URL or git address is
refused before the build, and the build runs with an empty PATH so kustomize
cannot start git, helm or an exec plugin (alpha plugins stay off).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path as FsPath

import yaml

from .. import environment as env
from ..discover import KUSTOMIZATION_FILES, Discovery, Target, display_path
from ..model import InputIssue, Origin, Path, Resource, Skipped
from . import LoadContext, Loaded, Span, _render
from ._kustomize_tree import Tree, kustomization_file, read_tree
from ._template_lines import document_ranges, find_kind_line, locate_field, resource_document
from ._text import LoadError, read_text
from .kubernetes import load_text

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
MAX_COPY_BYTES = 64 * 1024 * 1024


def settle(found: Discovery, *, root: FsPath, include_bases: bool) -> None:
    """Decide which discovered kustomizations to build, and which files they already cover.

    A kustomization included by another one in the scan (a base) is built only
    through its overlays, unless include_bases; files a kustomization uses
    (resources, patches) are not scanned again as plain manifests.
    """
    dirs = [t for t in found.targets if t.kind == "kustomize" and t.path is not None]
    if not dirs:
        return
    included_by: dict[FsPath, list[str]] = {}
    used: dict[FsPath, str] = {}
    for target in dirs:
        tree = read_tree(target.path)
        for sub in tree.dirs[1:]:
            included_by.setdefault(sub, []).append(target.display)
        for file in tree.files:
            used.setdefault(file, target.display)
    keep: list[Target] = []
    for target in found.targets:
        real = target.path.resolve() if target.path is not None else None
        if target.kind == "kustomize" and real in included_by and not include_bases:
            users = ", ".join(sorted(set(included_by[real])))
            found.skipped.append(Skipped(target.display, f"Kustomize base, built through {users} "
                                         "(--include-bases builds it alone too)"))
        elif target.kind != "kustomize" and real in used:
            found.skipped.append(Skipped(target.display, f"used by Kustomize {used[real]} (scanned as built)"))
        else:
            keep.append(target)
    found.targets[:] = keep


def load(target: Target, context: LoadContext) -> Loaded:
    """Build one kustomization directory and return its resources (the Loader entry point)."""
    assert target.path is not None
    overlay = target.path.resolve()
    kfile = kustomization_file(overlay)
    kdisplay = f"{target.display.rstrip('/')}/{kfile.name if kfile else KUSTOMIZATION_FILES[0]}"
    sources: dict[str, FsPath] = {}
    out = Loaded(locate=_locator(sources))
    tree = read_tree(overlay)
    root = _scan_root(target)
    for file, message, line in tree.errors:
        out.issues.append(InputIssue(_show(file, root), message, line))
    if tree.errors:
        return out
    if tree.remote:
        file, entry = tree.remote[0]
        out.issues.append(InputIssue(_show(file, root), f"remote Kustomize base {entry!r} refused: scans run "
                                     "offline and fetch nothing; vendor it into the repository",
                                     _line_of(file, entry)))
        return out
    if tree.helm_charts:
        out.issues.append(InputIssue(_show(tree.helm_charts[0], root), "helmCharts needs `--enable-helm`, which "
                                     "runs helm from inside kustomize; not done: scan the chart directory instead",
                                     _line_of(tree.helm_charts[0], "helmCharts:")))
        return out
    try:
        tool, argv_head = _builder(overlay)
    except _render.RenderError as exc:
        out.skipped.append(Skipped(target.display, f"Kustomize overlay not built: {exc.message}"))
        return out
    environment = env.for_path(target.display, forced=context.environment, globs=context.environment_globs)
    detail = f"overlay {target.display}, built with {tool}" + (f", env {environment}" if environment else "")
    timeout = float(context.options.get("render_timeout") or _render.DEFAULT_TIMEOUT)
    try:
        rendered, annotated = _build(argv_head, overlay, tree, timeout=timeout, max_output=context.max_file_size)
    except _render.RenderError as exc:
        out.issues.append(InputIssue(kdisplay, f"{tool} failed ({detail}): {exc.message}"))
        return out
    loaded = load_text(rendered, f"{target.display} (built: {detail})", environment=environment)
    out.issues.extend(loaded.issues)
    out.skipped.extend(s for s in loaded.skipped if s.reason != "empty file")
    seen: dict[tuple[str, str], int] = {}
    base = _render.document_base(detail)
    for resource in loaded.resources:
        declared = _pop_origin(resource.body, overlay) if annotated else None
        file = _touching_patch(tree, resource) or declared or (overlay / (kfile.name if kfile else ""))
        shown = _show(file, root)
        sources[shown] = file
        occurrence = seen.get((shown, resource.type), 0)
        seen[(shown, resource.type)] = occurrence + 1
        start, end = _span(file, resource.type, occurrence)
        origin = Origin(kind="kustomize", file=shown, line=start, detail=detail)
        resource.source = replace(resource.source, file=shown, start_line=start, end_line=end, origin=origin,
                                  document=base + resource.source.document)
        out.resources.append(resource)
    return out


def _line_of(file: FsPath, text: str) -> int | None:
    return next((n for n, line in enumerate(_lines(file), 1) if text in line), None)


def _scan_root(target: Target) -> FsPath | None:
    """The scan root, recovered from the target's path and its display path (None: outside it)."""
    assert target.path is not None
    if target.display in ("", "."):
        return target.path.resolve()
    display = FsPath(target.display)
    if display.is_absolute():
        return None
    return target.path.absolute().parents[len(display.parts) - 1].resolve()


def _show(path: FsPath, root: FsPath | None) -> str:
    """A file as the user sees it: relative to the scan root when inside it."""
    return display_path(path, root) if root is not None else path.as_posix()


def _builder(overlay: FsPath) -> tuple[str, list[str]]:
    kustomize = _render.find_tool("kustomize", untrusted=overlay)
    if kustomize is not None:
        return "kustomize build", [str(kustomize), "build"]
    kubectl = _render.require_tool("kubectl", untrusted=overlay)
    return "kubectl kustomize", [str(kubectl), "kustomize"]


def _build(argv_head: list[str], overlay: FsPath, tree: Tree, *, timeout: float,
           max_output: int) -> tuple[str, bool]:
    """Build the overlay; from a scratch copy with origin annotations when it is small enough."""
    common = _common_parent(tree.dirs)
    size = sum(f.stat().st_size for d in tree.dirs for f in d.rglob("*") if f.is_file() and not f.is_symlink())
    if common is not None and size <= MAX_COPY_BYTES:
        with tempfile.TemporaryDirectory(prefix="compliance-kustomize-") as scratch:
            for directory in tree.dirs:
                _render.copy_tree(directory, FsPath(scratch) / directory.relative_to(common))
            copy = FsPath(scratch) / overlay.relative_to(common)
            _add_build_metadata(kustomization_file(copy))
            done = _render.run([*argv_head, str(copy)], cwd=copy, timeout=timeout, max_output=max_output)
            if done.returncode == 0:
                return done.stdout, True
    done = _render.run([*argv_head, str(overlay)], cwd=overlay, timeout=timeout, max_output=max_output)
    if done.returncode != 0:
        raise _render.RenderError(_render.first_error_line(done.stderr))
    return done.stdout, False


def _common_parent(dirs: list[FsPath]) -> FsPath | None:
    if not dirs:
        return None
    common = dirs[0]
    for directory in dirs[1:]:
        while common not in (directory, *directory.parents):
            common = common.parent
    return common


def _add_build_metadata(file: FsPath | None) -> None:
    if file is None:
        return
    doc = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    if isinstance(doc, dict):
        wanted = list(doc.get("buildMetadata") or [])
        doc["buildMetadata"] = sorted({*wanted, "originAnnotations"})
        file.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def _pop_origin(body: dict, overlay: FsPath) -> FsPath | None:
    """Remove the origin annotation we asked for and return the file it names."""
    meta = body.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if not isinstance(annotations, dict) or ORIGIN_ANNOTATION not in annotations:
        return None
    raw = annotations.pop(ORIGIN_ANNOTATION)
    if not annotations:
        del meta["annotations"]
    try:
        origin = yaml.load(raw, Loader=yaml.CSafeLoader) if isinstance(raw, str) else None
    except yaml.YAMLError:
        return None
    path = origin.get("path") if isinstance(origin, dict) else None
    if not isinstance(path, str) or origin.get("repo"):
        return None
    local = (overlay / path).resolve()
    return local if local.is_file() else None


def _touching_patch(tree: Tree, resource: Resource) -> FsPath | None:
    """The patch file nearest the overlay that targets this resource (kind, and name when given)."""
    for _directory, patch, kind, name in tree.patches:  # the root kustomization's patches come first
        if patch is None or kind not in (None, resource.type):
            continue
        # namePrefix/nameSuffix of outer layers change the name after the patch matched it.
        if name is not None and not (name == resource.name or resource.name.endswith(name)
                                     or resource.name.startswith(name)):
            continue
        if kind is None and name is None:
            continue
        return patch
    return None


def _span(file: FsPath, kind: str, occurrence: int) -> tuple[int, int]:
    lines = _lines(file)
    if not lines:
        return 1, 1
    line = find_kind_line(lines, kind, occurrence) or find_kind_line(lines, kind, 0)
    if line is None:
        return 1, len(lines)
    for first, last in document_ranges(lines):
        if first <= line <= last:
            return line + 1, last + 1
    return line + 1, len(lines)


def _lines(path: FsPath) -> list[str]:
    try:
        return read_text(path, 8 * 1024 * 1024).splitlines()
    except LoadError:
        return []


def _locator(sources: dict[str, FsPath]):
    def locate(resource: Resource, path: Path) -> Span | None:
        file = sources.get(resource.source.file)
        return locate_in_file(_lines(file), resource, path) if file else None

    return locate


def locate_in_file(lines: list[str], resource: Resource, path: Path) -> Span | None:
    """Line of the deepest key of `path` in the resource's document of a base or patch file."""
    if not lines:
        return None
    first, last = resource_document(lines, resource)
    json_patch = _json_patch_line(lines, path, first, last)
    if json_patch is not None:
        return json_patch, json_patch
    return locate_field(lines, resource, path, first, last)


def _json_patch_line(lines: list[str], path: Path, first: int, last: int) -> int | None:
    """In a JSON 6902 patch file, the `path:` op whose pointer is the longest prefix of path."""
    best, best_len = None, -1
    for number in range(first, last + 1):
        match = re.match(r"^\s*(?:-\s+)?path:\s*[\"']?(/[^\"'\s]*)", lines[number])
        if not match:
            continue
        pointer = tuple(p.replace("~1", "/").replace("~0", "~") for p in match.group(1).strip("/").split("/"))
        wanted = tuple(str(p) for p in path)
        if wanted[: len(pointer)] == pointer and len(pointer) > best_len:
            best, best_len = number + 1, len(pointer)
    return best


def relocator(target: Target, context: LoadContext):
    """A locate function for resources whose source is the base or patch file `target.path`."""
    del context
    lines = _lines(target.path) if target.path is not None else []

    def locate(resource: Resource, path: Path) -> Span | None:
        return locate_in_file(lines, resource, path)

    return locate
