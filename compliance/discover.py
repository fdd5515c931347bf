"""Find what to scan under the given paths and classify it; count what is skipped."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .model import Skipped

STDIN = "-"

SKIPPED_DIRS = {".git", "node_modules", ".terraform", "__pycache__", ".venv", "venv"}
MANIFEST_SUFFIXES = {".yaml", ".yml", ".json"}

# Families this version can load; other recognised inputs are skipped with a reason
# naming what they are, so nothing disappears silently.
KUBERNETES = "kubernetes"

HELM_CHART = "Helm chart (not rendered yet: pipe `helm template` output to `compliance scan -`)"
KUSTOMIZE = "Kustomize file (not rendered yet: pipe `kubectl kustomize` output to `compliance scan -`)"
TERRAFORM_HCL = "Terraform source (not supported yet)"


@dataclass(frozen=True, slots=True)
class Target:
    """One input to load: a file on disk or standard input."""

    path: Path | None  # None for stdin
    display: str  # relative to the scan root, posix separators
    kind: str


@dataclass(slots=True)
class Discovery:
    targets: list[Target] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def display_path(path: Path, root: Path) -> str:
    """The path a user sees: relative to root when inside it, else absolute."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[str], *, root: Path, follow_symlinks: bool = False) -> Discovery:
    """Walk paths (files, directories, or "-" for stdin) into scan targets.

    Args:
        paths: what the user named on the command line.
        root: the directory output paths are relative to.
        follow_symlinks: follow symlinked files and directories inside the tree.

    Raises:
        InputError: a named path does not exist.
    """
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        if raw == STDIN:
            found.targets.append(Target(None, "<stdin>", KUBERNETES))
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise InputError(f"path not found: {raw}")
        path = path.absolute()
        if path.is_dir():
            _walk(path, root, follow_symlinks, found, seen)
        else:
            # A file named explicitly is read whatever its extension: the user asked for it.
            _add_file(path, root, found, seen, explicit=True)
    found.targets.sort(key=lambda t: t.display)
    found.skipped.sort(key=lambda s: (s.path, s.reason))
    return found


def _walk(top: Path, root: Path, follow: bool, found: Discovery, seen: set[Path]) -> None:
    if (top / "Chart.yaml").is_file():
        found.skipped.append(Skipped(display_path(top, root), HELM_CHART))
        return
    for dirpath, dirnames, filenames in os.walk(top, followlinks=follow):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name in SKIPPED_DIRS or name.startswith("."):
                found.skipped.append(Skipped(display_path(sub, root), f"directory {name} is never scanned"))
            elif sub.is_symlink() and not follow:
                found.skipped.append(Skipped(display_path(sub, root), "symlinked directory not followed"))
            elif (sub / "Chart.yaml").is_file():
                found.skipped.append(Skipped(display_path(sub, root), HELM_CHART))
            else:
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            _add_file(here / name, root, found, seen, explicit=False)


def _add_file(path: Path, root: Path, found: Discovery, seen: set[Path], *, explicit: bool) -> None:
    shown = display_path(path, root)
    if path.is_symlink() and not explicit:
        found.skipped.append(Skipped(shown, "symlink not followed"))
        return
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        found.skipped.append(Skipped(shown, "symlink loop"))
        return
    if real in seen:
        return
    seen.add(real)
    name = path.name
    suffix = path.suffix.lower()
    if not explicit and name.startswith("."):
        found.skipped.append(Skipped(shown, "hidden file"))
    elif name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        found.skipped.append(Skipped(shown, KUSTOMIZE))
    elif suffix == ".tf":
        found.skipped.append(Skipped(shown, TERRAFORM_HCL))
    elif suffix in MANIFEST_SUFFIXES or explicit:
        found.targets.append(Target(path, shown, KUBERNETES))
    else:
        found.skipped.append(Skipped(shown, "not a manifest (.yaml, .yml, .json)"))
