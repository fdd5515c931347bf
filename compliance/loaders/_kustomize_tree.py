"""The local reference graph of a kustomization: bases, components, resource and patch files.

Read without building anything, to decide which directories are overlays and
which are bases, which files a build already covers, what is remote (refused
offline), and which patch targets which object. Nothing is executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

import yaml

from ..discover import KUSTOMIZATION_FILES
from ._text import LoadError, read_text

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)", re.I)


@dataclass(slots=True)
class Tree:
    """What one kustomization (and everything it includes, locally) refers to."""

    dirs: list[FsPath] = field(default_factory=list)  # kustomization dirs, the root first
    files: set[FsPath] = field(default_factory=set)  # resource, patch and generator files
    # (kustomization dir, patch file or None for an inline patch, target kind, target name)
    patches: list[tuple[FsPath, FsPath | None, str | None, str | None]] = field(default_factory=list)
    remote: list[tuple[FsPath, str]] = field(default_factory=list)  # (kustomization file, entry)
    helm_charts: list[FsPath] = field(default_factory=list)  # kustomization files using helmCharts
    errors: list[tuple[FsPath, str, int | None]] = field(default_factory=list)


def kustomization_file(directory: FsPath) -> FsPath | None:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def read_tree(directory: FsPath) -> Tree:
    """Follow a kustomization's local references (no build, nothing executed)."""
    tree = Tree()
    _visit(directory.resolve(), tree, set())
    return tree


def _visit(directory: FsPath, tree: Tree, visiting: set[FsPath]) -> None:
    if directory in visiting or directory in tree.dirs:
        return
    file = kustomization_file(directory)
    if file is None:
        return
    visiting.add(directory)
    tree.dirs.append(directory)
    try:
        doc = yaml.load(read_text(file, 4 * 1024 * 1024), Loader=yaml.CSafeLoader)
    except LoadError as exc:
        tree.errors.append((file, exc.message, exc.line))
        return
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tree.errors.append((file, f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None))
        return
    if not isinstance(doc, dict):
        return
    # This kustomization's patches are listed before those of the bases it includes,
    # so the first match found for a resource is the one nearest the overlay.
    included: list[FsPath] = []
    for key in ("resources", "bases", "components"):
        for entry in _strings(doc.get(key)):
            local = (directory / entry).resolve()
            if local.is_dir():
                included.append(local)
            elif local.is_file():
                tree.files.add(local)
            elif _REMOTE.match(entry) or "?ref=" in entry or "//" in entry.split("?")[0]:
                tree.remote.append((file, entry))
    if doc.get("helmCharts"):
        tree.helm_charts.append(file)
    for patch in doc.get("patches") or []:
        if isinstance(patch, dict):
            target = patch.get("target") if isinstance(patch.get("target"), dict) else {}
            path = _local(directory, patch.get("path"), tree)
            if path is None and isinstance(patch.get("patch"), str):
                _add_inline(directory, patch["patch"], target, tree)
            elif target:
                tree.patches.append((directory, path, target.get("kind"), target.get("name")))
            else:  # no target: a strategic-merge patch names its object itself
                tree.patches.append((directory, path, *_smp_target(path)))
    for patch in doc.get("patchesStrategicMerge") or []:
        if isinstance(patch, str) and "\n" not in patch:
            path = _local(directory, patch, tree)
            tree.patches.append((directory, path, *_smp_target(path)))
        elif isinstance(patch, str):
            _add_inline(directory, patch, {}, tree)
    for patch in doc.get("patchesJson6902") or []:
        if isinstance(patch, dict):
            target = patch.get("target") if isinstance(patch.get("target"), dict) else {}
            tree.patches.append((directory, _local(directory, patch.get("path"), tree),
                                 target.get("kind"), target.get("name")))
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in doc.get(key) or []:
            if isinstance(generator, dict):
                for entry in [*_strings(generator.get("files")), *_strings(generator.get("envs")),
                              *_strings([generator.get("env")])]:
                    _local(directory, entry.split("=", 1)[-1], tree)
    for key in ("crds", "transformers", "generators", "validators", "configurations"):
        for entry in _strings(doc.get(key)):
            _local(directory, entry, tree)
    for local in included:
        _visit(local, tree, visiting)
    visiting.discard(directory)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _local(directory: FsPath, entry: object, tree: Tree) -> FsPath | None:
    if not isinstance(entry, str) or not entry:
        return None
    local = (directory / entry).resolve()
    if local.is_file():
        tree.files.add(local)
        return local
    return None


def _smp_target(path: FsPath | None) -> tuple[str | None, str | None]:
    """A strategic-merge patch targets the object its own kind and name say."""
    if path is None:
        return None, None
    try:
        doc = next(iter(yaml.load_all(read_text(path, 4 * 1024 * 1024), Loader=yaml.CSafeLoader)), None)
    except (LoadError, yaml.YAMLError):
        return None, None
    if not isinstance(doc, dict):
        return None, None
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return doc.get("kind"), meta.get("name")


def _add_inline(directory: FsPath, text: str, target: dict, tree: Tree) -> None:
    kind, name = target.get("kind"), target.get("name")
    if kind is None:
        try:
            doc = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            doc = None
        if isinstance(doc, dict):
            kind = doc.get("kind")
            name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
    tree.patches.append((directory, None, kind, name))
