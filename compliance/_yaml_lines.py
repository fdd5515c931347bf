"""Load a small YAML document with the line of every mapping key, for error messages."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A dict that also knows the line of each key (1-based) and its own line."""

    __slots__ = ("line", "key_lines")


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load(text: str) -> Any:
    """Parse YAML safely, mappings as LineDict. Raises yaml.YAMLError."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def line_of(mapping: Any, key: str) -> int | None:
    lines = getattr(mapping, "key_lines", None)
    return lines.get(key) if lines else getattr(mapping, "line", None)
