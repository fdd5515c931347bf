"""Loaders: one per input family, each turning a discovered target into Resources.

A loader is a function `load(target, context) -> Loaded`. It reads the target
itself (a file, or a directory for a Helm chart or Kustomize overlay), reports
what it could not read as InputIssues and what it left out as Skipped, and gives
a `locate(resource, path)` function that turns a field path into a line span.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..model import InputIssue, Path, Resource, Skipped

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class LoadContext:
    """Options every loader may need."""

    environment: str | None = None  # forced by --env
    max_file_size: int = 32 * 1024 * 1024
    # (path glob, environment) pairs from compliance.yaml, tried before path segments.
    environment_globs: tuple[tuple[str, str], ...] = ()
    options: dict = field(default_factory=dict)  # loader-specific settings (helm values, ...)
    # directory -> its resolved path, remembered for one scan: each resolve is a system call per
    # path component, and every plan of a scan shares the scan root and a few folders.
    real_dirs: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(slots=True)
class Loaded:
    resources: list[Resource] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    issues: list[InputIssue] = field(default_factory=list)
    # (resource, field path) -> (line, end line) in resource.source.file, or None.
    locate: Callable[[Resource, Path], Span | None] | None = None
    # "file:line: message" about input that was still scanned (a duplicate key, say).
    warnings: list[str] = field(default_factory=list)
    # resource -> every node's span of its document, packed (locate.Locator.outline), or None.
    outline: Callable[[Resource], bytes | None] | None = None
