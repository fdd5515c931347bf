"""Which `.tf` file and line declares a resource: an index of Terraform directories.

Used by the plan loader to point findings at the `.tf` line (the plan JSON has no
file names), and by both Terraform loaders to relocate findings later.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ._hcl_blocks import Node, parse_blocks, resource_blocks
from ._text import LoadError, read_text

_SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]*)"', re.M)
# Parsed .tf files by (path, mtime, size): plans in the same repository share them.
_FILES: dict[tuple[str, int, int], tuple[str, list[Node]]] = {}


@dataclass(slots=True)
class Declaration:
    file: Path
    block: Node


@dataclass(slots=True)
class TfDir:
    """The resources and module calls declared by the `.tf` files of one directory."""

    path: Path
    resources: dict[tuple[str, str], Declaration] = field(default_factory=dict)
    modules: dict[str, str | None] = field(default_factory=dict)  # name -> source


def parsed_file(path: Path, *, max_bytes: int = 32 * 1024 * 1024) -> tuple[str, list[Node]]:
    """A `.tf` file's text and its top-level blocks, cached while the file is unchanged.

    Raises:
        LoadError: the file cannot be read or decoded.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _FILES.get(key)
    if cached is None:
        text = read_text(path, max_bytes)
        try:
            cached = (text, parse_blocks(text))
        except RecursionError:  # the block scanner recurses per nested block
            raise LoadError("HCL nested too deeply for the parser (hundreds of levels); refused") from None
        _FILES[key] = cached
    return cached


def tf_files(directory: Path) -> list[Path]:
    """The `.tf` files directly in a directory, sorted (Terraform reads them all)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [directory / n for n in names if n.endswith(".tf") and not n.startswith(".")
            and (directory / n).is_file()]


def index_dir(directory: Path) -> TfDir:
    """Index one directory; files that cannot be read are left out (their loader reports them)."""
    out = TfDir(directory)
    for file in tf_files(directory):
        try:
            text, nodes = parsed_file(file)
        except LoadError:
            continue
        lines = text.splitlines()
        for key, block in resource_blocks(nodes).items():
            out.resources.setdefault(key, Declaration(file, block))
        for block in nodes:
            if block.is_block and block.name == "module" and block.labels:
                match = _SOURCE.search("\n".join(lines[block.line - 1:block.end_line]))
                out.modules.setdefault(block.labels[0], match.group(1) if match else None)
    return out


def is_local_source(source: str | None) -> bool:
    return bool(source) and (source.startswith("./") or source.startswith("../"))


class Finder:
    """Finds declarations for one plan: its root module directory, then local module sources."""

    def __init__(self, root_dir: Path | None, *, limit: Path | None = None):
        self.root_dir = root_dir
        self.limit = limit  # never read above this directory (the scan root)
        self._dirs: dict[Path, TfDir] = {}
        self._modules: dict[tuple[str, ...], Path | None] = {(): root_dir}

    def _index(self, directory: Path) -> TfDir:
        found = self._dirs.get(directory)
        if found is None:
            found = self._dirs[directory] = index_dir(directory)
        return found

    def module_dir(self, module: tuple[str, ...]) -> Path | None:
        """The directory of a module path ("eks", "node_group"), when every source is local."""
        if module in self._modules:
            return self._modules[module]
        parent = self.module_dir(module[:-1])
        result = None
        if parent is not None:
            source = self._index(parent).modules.get(module[-1])
            if is_local_source(source):
                candidate = (parent / source).resolve()
                if candidate.is_dir() and self._inside(candidate):
                    result = candidate
        self._modules[module] = result
        return result

    def _inside(self, path: Path) -> bool:
        if self.limit is None:
            return True
        try:
            path.relative_to(self.limit)
        except ValueError:
            return False
        return True

    def declaration(self, module: tuple[str, ...], type_: str, name: str) -> Declaration | None:
        directory = self.module_dir(module)
        if directory is None:
            return None
        return self._index(directory).resources.get((type_, name))


def find_root_dir(start: Path, limit: Path | None, wanted: set[tuple[str, str]],
                  modules: set[str], *, resolved: bool = False) -> Path | None:
    """The nearest directory from `start` up to `limit` declaring any wanted resource or module.

    Args:
        start: the plan file's directory.
        limit: the scan root; directories above it are never read.
        wanted: (type, name) of the root module's resources in the plan.
        modules: names of the root module's module calls.
        resolved: start and limit are resolved already (each resolve is a system call per
            path component).
    """
    directory = start if resolved else start.resolve()
    stop = limit if resolved or limit is None else limit.resolve()
    while True:
        index = index_dir(directory)
        if any(key in index.resources for key in wanted) or any(m in index.modules for m in modules):
            return directory
        if stop is None or directory == stop or directory.parent == directory:
            return None
        try:
            directory.parent.relative_to(stop)
        except ValueError:
            return None
        directory = directory.parent
