"""Find blocks and attributes in HCL text, with their lines.

python-hcl2 gives values but no line numbers, and the plan loader must find the
`.tf` line of a resource without evaluating anything. This scanner reads only
the structure: blocks (`resource "aws_s3_bucket" "logs" { ... }`), attributes
(`acl = "private"`) and the keys of object values (`tags = { Env = "x" }`),
skipping strings, heredocs and comments so braces inside them do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Path

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


@dataclass(slots=True)
class Node:
    """A block or an attribute; `labels` are a block's quoted labels."""

    name: str
    line: int
    end_line: int = 0
    labels: tuple[str, ...] = ()
    is_block: bool = False
    children: list[Node] = field(default_factory=list)

    def find(self, name: str) -> list[Node]:
        """Children called `name`; `dynamic "name"` blocks count as their content."""
        out = []
        for child in self.children:
            if child.name == name:
                out.append(child)
            elif child.is_block and child.name == "dynamic" and child.labels[:1] == (name,):
                content = child.find("content")
                out.append(content[0] if content else child)
        return out


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1

    def _advance(self, to: int) -> None:
        self.line += self.text.count("\n", self.pos, to)
        self.pos = to

    def skip_space(self, *, newlines: bool = True) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch == "\n" and not newlines:
                return
            if ch in " \t\r\n":
                self._advance(self.pos + 1)
            elif ch == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance(n if end < 0 else end)
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self._advance(n if end < 0 else end + 2)
            else:
                return

    def skip_string(self) -> str:
        """Skip a quoted string (with ${...} templates) and return its raw content."""
        text, n = self.text, len(self.text)
        start = self.pos + 1
        i = start
        while i < n:
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                break
            if ch in "$%" and text.startswith("{", i + 1):
                i = self._skip_template(i + 2)
                continue
            i += 1
        value = text[start:i]
        self._advance(min(i + 1, n))
        return value

    def _skip_template(self, i: int) -> int:
        depth, text, n = 1, self.text, len(self.text)
        while i < n and depth:
            ch = text[i]
            if ch == '"':
                saved = (self.pos, self.line)
                self.pos = i
                self.skip_string()
                i = self.pos
                self.pos, self.line = saved
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            i += 1
        return i

    def skip_expression(self, node: Node) -> None:
        """Skip an attribute's value up to the newline that ends it, noting object keys."""
        depth = 0
        text, n = self.text, len(self.text)
        while self.pos < n:
            self.skip_space(newlines=depth > 0)
            if self.pos >= n:
                break
            ch = text[self.pos]
            if ch == "\n" and depth == 0:
                break
            if ch == '"':
                self.skip_string()
            elif ch == "<" and (m := _HEREDOC.match(text, self.pos)):
                end = re.compile(rf"^[ \t]*{re.escape(m.group(1))}[ \t]*$", re.M).search(text, m.end())
                self._advance(end.end() if end else n)
            elif ch == "{" and depth == 0:
                self._advance(self.pos + 1)
                node.children.extend(self._object_keys())
            elif ch in "([{":
                depth += 1
                self._advance(self.pos + 1)
            elif ch in ")]}":
                if depth == 0:
                    break  # the closing brace of the enclosing block
                depth -= 1
                self._advance(self.pos + 1)
            else:
                self._advance(self.pos + 1)
        node.end_line = self.line

    def _object_keys(self) -> list[Node]:
        """Keys of an object value `{ a = 1, "b" = { c = 2 } }`, up to its closing brace."""
        keys: list[Node] = []
        text, n = self.text, len(self.text)
        while True:
            self.skip_space()
            if self.pos >= n:
                return keys
            ch = text[self.pos]
            if ch == "}":
                self._advance(self.pos + 1)
                return keys
            if ch == ",":
                self._advance(self.pos + 1)
                continue
            line, before = self.line, self.pos
            if ch == '"':
                key = self.skip_string()
            elif m := _IDENT.match(text, self.pos):
                key = m.group(0)
                self._advance(m.end())
            else:
                key = ""
                self.skip_expression(Node("", line))  # a computed key: skip it
            self.skip_space()
            if self.pos < n and text[self.pos] in "=:":
                self._advance(self.pos + 1)
                node = Node(key, line)
                self.skip_value_in_object(node)
                keys.append(node)
            if self.pos == before:
                self._advance(self.pos + 1)  # malformed: never loop in place

    def skip_value_in_object(self, node: Node) -> None:
        depth = 0
        text, n = self.text, len(self.text)
        self.skip_space()
        if self.pos < n and text[self.pos] == "{":
            self._advance(self.pos + 1)
            node.children.extend(self._object_keys())
            node.end_line = self.line
            return
        while self.pos < n:
            ch = text[self.pos]
            if ch == '"':
                self.skip_string()
                continue
            if depth == 0 and (ch in ",}\n"):
                break
            depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
            self._advance(self.pos + 1)
        node.end_line = self.line

    def body(self, *, top: bool) -> list[Node]:
        """Blocks and attributes up to the closing brace (or the end of the file)."""
        nodes: list[Node] = []
        text, n = self.text, len(self.text)
        while True:
            self.skip_space()
            if self.pos >= n:
                return nodes
            if text[self.pos] == "}":
                self._advance(self.pos + 1)
                if not top:
                    return nodes
                continue
            m = _IDENT.match(text, self.pos)
            if not m:
                self._advance(self.pos + 1)  # stray character: resynchronise
                continue
            line = self.line
            self._advance(m.end())
            labels = []
            while True:
                self.skip_space(newlines=False)
                if self.pos < n and text[self.pos] == '"':
                    labels.append(self.skip_string())
                elif self.pos < n and (lm := _IDENT.match(text, self.pos)) and labels is not None:
                    labels.append(lm.group(0))
                    self._advance(lm.end())
                else:
                    break
            if self.pos < n and text[self.pos] == "=":
                self._advance(self.pos + 1)
                node = Node(m.group(0), line)
                self.skip_expression(node)
                nodes.append(node)
            elif self.pos < n and text[self.pos] == "{":
                self._advance(self.pos + 1)
                node = Node(m.group(0), line, labels=tuple(labels), is_block=True)
                node.children = self.body(top=False)
                node.end_line = self.line
                nodes.append(node)


def parse_blocks(text: str) -> list[Node]:
    """The top-level blocks and attributes of one `.tf` file."""
    return _Scanner(text).body(top=True)


def resource_blocks(nodes: list[Node]) -> dict[tuple[str, str], Node]:
    """`resource "TYPE" "NAME"` blocks by (type, name)."""
    return {(b.labels[0], b.labels[1]): b for b in nodes
            if b.is_block and b.name == "resource" and len(b.labels) == 2}


def span_of(block: Node, path: Path) -> tuple[int, int]:
    """The line span of the deepest part of `path` (below `values`) that the block spells out."""
    node = block
    parts = list(path[1:] if path[:1] == ("values",) else path)
    i = 0
    while i < len(parts):
        part = parts[i]
        if not isinstance(part, str):
            break
        found = node.find(part)
        if not found:
            break
        index = parts[i + 1] if i + 1 < len(parts) and isinstance(parts[i + 1], int) else None
        if index is not None and found[0].is_block:
            if index >= len(found):
                node = found[0]
                break
            node = found[index]
            i += 2
        else:
            node = found[0]
            i += 2 if index is not None else 1
    return node.line, max(node.end_line, node.line)
