"""Best-effort line of a field inside a source file that is not the rendered YAML.

A Helm template or a Kustomize patch holds the keys of the rendered object, but
not necessarily all of them, nor valid YAML (`{{ ... }}` lines). The search
walks the field path key by key, each key looked for inside the block of the
previous one (by indentation), and list items matched by their `name:`; it
stops at the first key it cannot find and returns the last line it did find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Path, Resource

_KEY = re.compile(r"^(?P<indent>\s*)(?:-\s+)*(?P<key>[\"']?[A-Za-z0-9_.\-/]+[\"']?)\s*:(?:\s|$)")
_DOC_SEPARATOR = re.compile(r"^---\s*(?:#.*)?$")


def _indent_of_key(line: str) -> tuple[int, str] | None:
    match = _KEY.match(line)
    if not match:
        return None
    key = match.group("key").strip("\"'")
    return match.start("key"), key


def _is_content(line: str) -> bool:
    """A line that can end a block: not blank, not a comment, not only a template action."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not (
        stripped.startswith("{{") and stripped.endswith("}}"))


def document_ranges(lines: Sequence[str]) -> list[tuple[int, int]]:
    """(first, last) 0-based line ranges of the `---`-separated documents of a file."""
    ranges, start = [], 0
    for number, line in enumerate(lines):
        if _DOC_SEPARATOR.match(line):
            if number > start:
                ranges.append((start, number - 1))
            start = number + 1
    if start < len(lines):
        ranges.append((start, len(lines) - 1))
    return ranges or [(0, max(len(lines) - 1, 0))]


def find_kind_line(lines: Sequence[str], kind: str, occurrence: int = 0) -> int | None:
    """0-based line of the occurrence-th `kind: <kind>` in the file."""
    pattern = re.compile(rf"^\s*kind:\s*[\"']?{re.escape(kind)}[\"']?\s*(?:#.*)?$")
    seen = 0
    for number, line in enumerate(lines):
        if pattern.match(line):
            if seen == occurrence:
                return number
            seen += 1
    return None


def locate_path(lines: Sequence[str], path: Path, body: object, *, start: int, end: int) -> int | None:
    """0-based line of the deepest key of `path` found between lines start and end.

    Args:
        lines: the source file's lines.
        path: the field path in the rendered object.
        body: the rendered object, used to name list items (containers by `name`).
        start: first line of the document in the file.
        end: last line of the document in the file.
    """
    found: int | None = None
    position, parent_indent = start, -1
    node = body
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            node = item
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue  # keep looking for the next key inside the list's block
            hit = _find_item(lines, name, position, end, parent_indent)
            if hit is None:
                continue
            found, position = hit, hit + 1
            # The item's own keys are indented at least as far as its `name:`.
            parent_indent = (_indent_of_key(lines[hit]) or (parent_indent + 1, ""))[0] - 1
            continue
        node = node.get(part) if isinstance(node, dict) else None
        hit = _find_key(lines, str(part), position, end, parent_indent)
        if hit is None:
            break
        found = hit
        parent_indent = _indent_of_key(lines[hit])[0]  # type: ignore[index]
        position = hit + 1
    return found


def resource_document(lines: Sequence[str], resource: Resource) -> tuple[int, int]:
    """The 0-based (first, last) lines of the document holding the resource's first line."""
    start = max(resource.source.start_line - 1, 0)
    return next(((a, b) for a, b in document_ranges(lines) if a <= start <= b), (0, len(lines) - 1))


def locate_field(lines: Sequence[str], resource: Resource, path: Path, first: int, last: int) -> tuple[int, int] | None:
    """The 1-based span of the deepest key of `path` found in lines first..last, or None."""
    line = locate_path(lines, tuple(resource.source.pointer) + tuple(path), resource.body, start=first, end=last)
    return (line + 1, line + 1) if line is not None else None


def _find_key(lines: Sequence[str], key: str, start: int, end: int, parent_indent: int) -> int | None:
    for number in range(start, min(end, len(lines) - 1) + 1):
        line = lines[number]
        parsed = _indent_of_key(line)
        if parsed and parsed[1] == key and parsed[0] > parent_indent:
            return number
        if _is_content(line) and _block_ended(line, parent_indent):
            return None
    return None


def _find_item(lines: Sequence[str], name: str, start: int, end: int, parent_indent: int) -> int | None:
    wanted = re.compile(rf"^\s*(?:-\s+)?name:\s*[\"']?{re.escape(name)}[\"']?\s*(?:#.*)?$")
    for number in range(start, min(end, len(lines) - 1) + 1):
        line = lines[number]
        if wanted.match(line) and len(line) - len(line.lstrip(" -")) > parent_indent:
            return number
        if _is_content(line) and _block_ended(line, parent_indent):
            return None
    return None


def _block_ended(line: str, parent_indent: int) -> bool:
    indent = len(line) - len(line.lstrip(" "))
    if indent > parent_indent:
        return False
    # `containers:` followed by `- name:` at the same indentation is still its block.
    return not (indent == parent_indent and line.lstrip().startswith("- "))
