"""Find the line of a field path inside one YAML/JSON document.

Loading uses the fast C loader, which keeps no line marks; only documents with a
finding are composed again here, which costs about 0.05 ms per lookup.
"""

from __future__ import annotations

import yaml

from .model import Path


class Locator:
    """Resolves (document index, field path) to (line, end_line) for one file's text."""

    def __init__(self, text: str, *, nodes: list | None = None):
        self._text = text
        # nodes: the documents as the loader composed them; then nothing is parsed here.
        self._docs: list | None = nodes
        self._lines: list[str] | None = None
        self._one: dict[int, tuple[object, int]] = {}

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
                    self._one[document] = (yaml.compose(piece, Loader=yaml.CSafeLoader), start - 1)
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
            loader = yaml.CSafeLoader(self._text)
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
