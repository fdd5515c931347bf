"""Safe YAML loading that remembers lines, for files people edit by hand (control catalogs).

Mappings come back as YamlMap (a dict that knows its own line and each key's line);
a duplicate key is a problem, not a silent overwrite as in plain PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file: where, and what."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class YamlMap(dict):
    """A mapping from YAML with its 1-based line and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """CSafeLoader (C parser, safe constructors) building YamlMap and noting duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data = YamlMap()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            loader.duplicates.append((key_node.start_mark.line + 1, f"unhashable mapping key {key!r}"))
            continue
        line = key_node.start_mark.line + 1
        if key in data:
            loader.duplicates.append((line, f"duplicate key {key!r} (first at line {data.key_lines[key]})"))
            continue
        data[key] = loader.construct_object(value_node, deep=False)
        data.key_lines[key] = line


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; syntax errors and duplicate keys come back as problems."""
    loader = _Loader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [Problem(file, line, f"invalid YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(file, None, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return document, [Problem(file, line, message) for line, message in loader.duplicates]
