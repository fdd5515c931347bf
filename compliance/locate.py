"""Find the line of a field path inside one YAML/JSON document.

Loading uses the fast C loader, which keeps no line marks; only documents with a
finding are composed again here, which costs about 0.05 ms per lookup.
"""

from __future__ import annotations

import pickle
import zlib

import yaml

from ._json_lines import _JsonLines
from .model import Path


class MarkedLoader(yaml.CSafeLoader):
    """CSafeLoader (line marks kept) that remembers how each plain scalar resolves.

    The C parser asks `resolve` for every node. A plain scalar's tag depends only on its
    text (no path resolvers are registered here), and manifests repeat the same few
    thousand keys and values, while PyYAML's own lookup runs the implicit-resolver
    regexes every time (a tenth of the time of loading a manifest).
    """

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML hook
        if kind is yaml.ScalarNode and implicit[0]:
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_PLAIN_TAGS) >= _PLAIN_TAGS_LIMIT:
                    _PLAIN_TAGS.clear()  # bounded: a file can hold any number of distinct values
                _PLAIN_TAGS[value] = tag
            return tag
        if kind is yaml.MappingNode:
            return _MAP
        return super().resolve(kind, value, implicit)

    # The C composer calls these two around every node, for path resolvers, which are never
    # registered here; PyYAML's own versions return at once, but a Python call per node each
    # way was 3-6 % of loading a manifest. C callables that accept the same arguments and do
    # nothing (the composer ignores what they return) cost a tenth of that.
    descend_resolver = {}.get  # (parent node, index) -> index, unused
    ascend_resolver = tuple  # () -> (), unused


_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_LIMIT = 65_536
_MAP = "tag:yaml.org,2002:map"


class Locator:
    """Resolves (document index, field path) to (line, end_line) for one file's text."""

    def __init__(self, text: str, *, nodes: list | None = None):
        self._text = text
        # nodes: the documents as the loader composed them; then nothing is parsed here.
        self._docs: list | None = nodes
        self._lines: list[str] | None = None
        self._one: dict[int, tuple[object, int]] = {}
        # Plain JSON (a Terraform plan, a JSON manifest) is walked as JSON: composing a
        # 400 KB plan as YAML costs 30 times more and gives the same lines. Told at the
        # first lookup, so a file whose resources all pass costs nothing here.
        self._json: _JsonLines | None | bool = nodes is None

    def _document(self, document: int, hint: tuple[int, int] | None = None) -> tuple[object, int] | None:
        """The composed document and the line offset of its marks."""
        if self._docs is not None:  # composed already (by the loader, or here for a whole file)
            docs = self._docs
            return (docs[document], 0) if document < len(docs) and docs[document] is not None else None
        # With the document's own line span, only that document is composed, not the whole file.
        span = hint
        if span is not None and span[0] > 0:
            if document not in self._one:
                start, end = span
                if self._lines is None:
                    self._lines = self._text.splitlines()
                piece = "\n".join(self._lines[start - 1:end]) + "\n"
                try:
                    self._one[document] = (yaml.compose(piece, Loader=MarkedLoader), start - 1)
                except yaml.YAMLError:
                    self._one[document] = (None, 0)
            node, offset = self._one[document]
            return (node, offset) if node is not None else None
        docs = self._documents()
        if document >= len(docs) or docs[document] is None:
            return None
        return docs[document], 0

    def _documents(self) -> list:
        if self._docs is None:
            # Keep the documents before a syntax error: the loader scans those too,
            # and their findings need lines as much as any other.
            self._docs = []
            loader = MarkedLoader(self._text)
            try:
                while loader.check_node():
                    self._docs.append(loader.get_node())
            except yaml.YAMLError:
                pass
            finally:
                loader.dispose()
        return self._docs

    def span(self, document: int, path: Path, *, hint: tuple[int, int] | None = None) -> tuple[int, int] | None:
        """The line span of the deepest node of `path` that exists, or None.

        hint is the document's own line span when known (a resource's source lines).
        """
        if self._json is True:
            self._json = _JsonLines.of(self._text)
        if isinstance(self._json, _JsonLines):
            return self._json.span(path) if document == 0 else None
        found = self._document(document, hint)
        if found is None:
            return None
        node, offset = found
        marker = node  # the node whose start line names the location
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                # The last of repeated keys: it is the value YAML loaders keep.
                for key, value in reversed(node.value):
                    if key.value == str(part):
                        marker, child = key, value
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
                marker = child
            if child is None:
                break
            node = child
        return marker.start_mark.line + 1 + offset, self._end_line(node, offset)

    def outline(self, document: int) -> bytes | None:
        """The span of the nodes of one composed document, packed for outline_span().

        Cross-resource rules run in the parent process once every file is loaded. With the
        outline a worker sends along, their findings are located without reading and
        composing the file again. Nodes deeper than OUTLINE_DEPTH are left out (findings point
        at the object's structure, not into env lists or args), and a path that goes past them
        is located the long way. None when the document was not composed here (no loader
        nodes) or has more than OUTLINE_LIMIT nodes (then it is composed again as before).
        """
        docs = self._docs
        if docs is None or document >= len(docs) or docs[document] is None:
            return None
        root = docs[document]
        mapping, sequence, scalar = yaml.MappingNode, yaml.SequenceNode, yaml.ScalarNode
        end_line = self._end_line
        # path -> (line, end line, shape): shape MAPPING, SCALAR, CUT (children left out), else
        # a sequence's length.
        spans: dict[tuple, tuple[int, int, int]] = {}
        stack: list[tuple[tuple, object, object]] = [((), root, root)]  # (path, marker, node)
        pop, push = stack.pop, stack.append
        while stack:
            path, marker, node = pop()
            if len(spans) >= OUTLINE_LIMIT:
                return None
            cls = node.__class__
            if cls is scalar:
                shape = SCALAR
            elif len(path) == OUTLINE_DEPTH:
                shape = CUT
            elif cls is mapping:
                shape = MAPPING
                # The last of repeated keys, as span() picks; other keys never match a path part.
                last = {key.value: (key, value) for key, value in node.value if key.__class__ is scalar}
                for name, (key, value) in last.items():
                    push((path + (name,), key, value))
            elif cls is sequence:
                shape = len(node.value)
                for i, child in enumerate(node.value):
                    push((path + (i,), child, child))
            else:
                return None  # not a node the composer makes: locate the long way
            spans[path] = (marker.start_mark.line + 1, end_line(node), shape)
        return zlib.compress(pickle.dumps(spans, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def _end_line(self, node, offset: int = 0) -> int:
        mark = node.end_mark
        line = mark.line + offset
        if mark.line == node.start_mark.line:
            return line + 1
        # A block node's end mark is the start of the next token: column 0 of the
        # next line, or the indented "- " of the next sequence item.
        if mark.column == 0 or self._blank_before(line, mark.column):
            return line
        return line + 1

    def _blank_before(self, line: int, column: int) -> bool:
        if self._lines is None:
            self._lines = self._text.splitlines()
        return line < len(self._lines) and not self._lines[line][:column].strip()


OUTLINE_LIMIT = 4096  # nodes in one document's outline; larger documents are composed again
# Levels of an outline: deep enough for spec.template.spec.containers[i].readinessProbe.
OUTLINE_DEPTH = 6
MAPPING, SCALAR, CUT = -1, -2, -3  # outline shapes other than a sequence's length


def outline_span(spans: dict[tuple, tuple[int, int, int]], path: Path) -> tuple[int, int] | None:
    """What Locator.span(document, path) gives, read from that document's unpacked outline.

    None when the outline cannot tell (the path goes below OUTLINE_DEPTH, or a negative index
    beyond the sequence): the caller then composes the document as before.
    """
    prefix: tuple = ()
    line, end, shape = spans[()]
    for part in path:
        if shape == MAPPING:
            key = prefix + (str(part),)
        elif shape >= 0 and isinstance(part, int) and part < shape:
            if part < -shape:
                return None
            key = prefix + (part + shape if part < 0 else part,)
        elif shape == CUT:
            return None  # the path goes on below the outline
        else:
            break
        found = spans.get(key)
        if found is None:
            break
        prefix = key
        line, end, shape = found
    return line, end


def unpack_outline(packed: bytes) -> dict[tuple, tuple[int, int, int]]:
    """An outline as Locator.outline packed it (our own bytes, from a pool worker of this scan)."""
    return pickle.loads(zlib.decompress(packed))
