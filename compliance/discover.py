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
# A .json file: Kubernetes JSON or Terraform plan JSON, told apart by content when loaded.
JSON = "json"
TERRAFORM_PLAN = "terraform-plan"  # a .tfplan file or a binary plan named explicitly
TERRAFORM_DIR = "terraform-hcl"  # a directory of .tf files (one module), the target is the directory
PLAN_SUFFIXES = {".tfplan"}
ZIP_MAGIC = b"PK\x03\x04"  # binary Terraform plans are zip archives

TERRAFORM_HCL = "Terraform source (not supported yet)"
HELM = "helm-chart"  # a chart directory (Chart.yaml), rendered with `helm template`
KUSTOMIZE_DIR = "kustomize"  # a kustomization directory, built with kustomize/kubectl
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


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


def discover(paths: Iterable[str], *, root: Path, follow_symlinks: bool = False,
             include_bases: bool = False) -> Discovery:
    """Walk paths (files, directories, or "-" for stdin) into scan targets.

    Args:
        paths: what the user named on the command line.
        root: the directory output paths are relative to.
        follow_symlinks: follow symlinked files and directories inside the tree.
        include_bases: also build Kustomize bases that overlays in the scan include.

    Raises:
        InputError: a named path does not exist.
    """
    found = Discovery()
    seen: set[str] = set()  # real paths (as strings: a Path per file cost more than the walk) already taken
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
    if any(t.kind == KUSTOMIZE_DIR for t in found.targets):
        from .loaders.kustomize import settle  # lazy: only scans with Kustomize pay for it

        settle(found, root=root, include_bases=include_bases)
    found.targets.sort(key=lambda t: t.display)
    found.skipped.sort(key=lambda s: (s.path, s.reason))
    return found


def _walk(top: Path, root: Path, follow: bool, found: Discovery, seen: set[str]) -> None:
    if (top / "Chart.yaml").is_file():
        found.targets.append(Target(top, display_path(top, root), HELM))
        return
    walked = {top.resolve()}  # real directories entered, so followed symlinks cannot loop
    # Real path of each directory to enter: without --follow-symlinks every directory entered below
    # top is no symlink, so its real path is its parent's plus its name (no realpath per directory).
    reals = {str(top): str(next(iter(walked)))}
    for dirpath, dirnames, filenames in os.walk(top, followlinks=follow):
        here = Path(dirpath)
        real_dir = reals.pop(dirpath, None) or os.path.realpath(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            if name in SKIPPED_DIRS or name.startswith("."):
                found.skipped.append(Skipped(display_path(sub, root), f"directory {name} is never scanned"))
            elif sub.is_symlink() and not follow:
                found.skipped.append(Skipped(display_path(sub, root), "symlinked directory not followed"))
            elif follow and _walked_before(sub, walked):
                found.skipped.append(Skipped(display_path(sub, root), "symlinked directory already scanned (a loop)"))
            elif (sub / "Chart.yaml").is_file():
                found.targets.append(Target(sub, display_path(sub, root), HELM))
            else:
                keep.append(name)
        dirnames[:] = keep
        if not follow:
            reals.update((os.path.join(dirpath, name), os.path.join(real_dir, name)) for name in keep)
        # Shown once per directory, not per file: a file that is no symlink has the real path
        # real_dir/name (realpath per file was most of discovery's time).
        shown_dir = display_path(here, root)
        for name in sorted(filenames):
            _add_file(here / name, root, found, seen, explicit=False, real_dir=real_dir,
                      shown=name if shown_dir == "." else f"{shown_dir}/{name}")


def _walked_before(directory: Path, walked: set[Path]) -> bool:
    try:
        real = directory.resolve()
    except (OSError, RuntimeError):
        return True  # a symlink loop the OS itself refuses to resolve
    if real in walked:
        return True
    walked.add(real)
    return False


def _add_file(path: Path, root: Path, found: Discovery, seen: set[str], *, explicit: bool,
              real_dir: str | None = None, shown: str | None = None) -> None:
    if shown is None:
        shown = display_path(path, root)
    if not explicit and os.path.islink(path):
        found.skipped.append(Skipped(shown, "symlink not followed"))
        return
    try:
        real = os.path.join(real_dir, path.name) if real_dir is not None else str(path.resolve())
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
    elif name in KUSTOMIZATION_FILES:
        # The directory is the target (kustomize builds directories); once, whichever file led here.
        real_parent = str(path.parent.resolve())
        if real_parent not in seen:
            seen.add(real_parent)
            found.targets.append(Target(path.parent, display_path(path.parent, root), KUSTOMIZE_DIR))
    elif suffix == ".tf":
        _add_tf_dir(path.parent, root, found, seen)
    elif suffix == ".tfvars":
        found.skipped.append(Skipped(shown, "Terraform variables (read with the .tf files of its directory)"))
    elif suffix == ".json":
        found.targets.append(Target(path, shown, JSON))
    elif suffix in PLAN_SUFFIXES or (explicit and suffix not in MANIFEST_SUFFIXES and _is_zip(path)):
        found.targets.append(Target(path, shown, TERRAFORM_PLAN))
    elif suffix in MANIFEST_SUFFIXES or explicit:
        found.targets.append(Target(path, shown, KUBERNETES))
    else:
        found.skipped.append(Skipped(shown, "not a manifest (.yaml, .yml, .json)"))


def _add_tf_dir(directory: Path, root: Path, found: Discovery, seen: set[str]) -> None:
    # Terraform reads every .tf file of a directory as one module: one target per directory.
    real = str(directory.resolve())
    if real in seen:
        return
    seen.add(real)
    found.targets.append(Target(directory, display_path(directory, root), TERRAFORM_DIR))


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(4) == ZIP_MAGIC
    except OSError:
        return False
