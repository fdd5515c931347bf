"""The lines of a field path in plain JSON text, read without composing it as YAML.

Locator (compliance.locate) uses this for JSON manifests and the plan loader for plans:
the lines are those YAML composition would give, found with the C JSON decoder.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from itertools import accumulate

from .model import Path

# What makes YAML read a valid JSON text differently from JSON: other line breaks
# (splitlines and YAML count them, JSON does not), tabs and a BOM, surrogate escapes
# (YAML refuses them), and keys YAML cannot take as simple keys: the colon more than
# 1,022 characters after the key's quote, or on another line. A key of under 170
# characters once decoded (6 characters at most each in the text) followed by under 8
# spaces stays within that limit; longer keys are looked for while validating.
# Searched one by one: Python's re finds each quickly, but not their alternation (4x slower on
# a plan of megabytes).
_NOT_PLAIN_JSON = tuple(re.compile(pattern) for pattern in (
    r'[\t\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ufeff]', r'\\u[dD][89abAB]', r'" {8,}:', r'" *\n\s*:'))
_LONG_KEY = 170


class _LongKey(Exception):
    pass


def _short_keys(pairs: list) -> dict:
    if any(len(key) >= _LONG_KEY for key, _ in pairs):
        raise _LongKey
    return dict(pairs)


_WS = re.compile(r"[ \n]*")
_MARK_GAP = 2048  # a lookup further than this from a known line keeps its own (bounds the marks)
_RECOUNT_LIMIT = 4  # readings of a text's line breaks before they are all listed
_RECOUNT_SLACK = 65_536  # characters a small text may be counted over regardless
# A lookup's own cost, in characters counted: listing line starts costs about as much per
# character as a lookup per 1,000 (with many lookups, as a plan of thousands of resources
# has, the list is made once and each lookup is a bisection).
_LOOKUP_COST = 1024
_PLUS_ONE = (1).__add__
_WORD = re.compile(r"\w+", re.ASCII)


@functools.lru_cache(maxsize=64)
def _escapes_of(name: str) -> re.Pattern:
    """The \\u00XX escapes of name's characters, in either case."""
    codes = "|".join(sorted({f"{ord(char):02x}" for char in name}))
    return re.compile(rf"\\u00(?:{codes})", re.IGNORECASE)


# The characters _NOT_PLAIN_JSON[0] matches, ASCII first: `in` finds each at C speed, 30
# times faster than the character class.
_NOT_PLAIN_CHARS = "\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\ufeff"
_NOT_PLAIN_ASCII = _NOT_PLAIN_CHARS[:7]
_LONG_STRING = re.compile(f'"[^"]{{{_LONG_KEY}}}')
_COLON_NEXT = re.compile(r"[ \t\n\r]*:")


def _plain(text: str) -> bool:
    """No _NOT_PLAIN_JSON pattern occurs in text (the same answer, found faster)."""
    if any(char in text for char in (_NOT_PLAIN_ASCII if text.isascii() else _NOT_PLAIN_CHARS)):
        return False
    if "\\u" in text and _NOT_PLAIN_JSON[1].search(text):
        return False
    return not any(pattern.search(text) for pattern in _NOT_PLAIN_JSON[2:])


def _keys_short(text: str) -> bool:
    """True when no key of this valid JSON text can be _LONG_KEY characters or more once decoded.

    A key decodes to at most as many characters as it has between its quotes. With
    escaped backslashes and quotes masked (same length, JSON pairs backslashes from
    the left as str.replace does), the quotes left are exactly the strings' own, so a
    long key is a run of that many non-quotes after a quote, with a colon next after
    its closing quote. False may also mean a long value followed by a colon in a string.
    """
    masked = text
    if '\\"' in masked:
        if "\\\\" in masked:
            masked = masked.replace("\\\\", "__")
        masked = masked.replace('\\"', "__")
    for match in _LONG_STRING.finditer(masked):
        close = masked.find('"', match.end())
        if close < 0:
            break  # what follows the last quote of valid JSON is no string
        if _COLON_NEXT.match(masked, close + 1):
            return False
    return True


class _JsonLines:
    """The lines YAML composition would give for a field path, read from JSON text directly.

    Containers are indexed lazily along the paths asked for; values are skipped with the
    C JSON decoder. The start line is that of the key (or array item, or root) and the end
    line that of the value's last character, as Locator gives for flow-style nodes.
    """

    def __init__(self, text: str):
        self._text = text
        # Offsets whose line is known, and those lines: a line is counted from the nearest
        # one before it (str.count, C speed), so lookups in document order read the text once.
        # Lookups out of order, or very many, may count more: past a few readings of the
        # text, every line start is listed once instead.
        self._marks = [0]
        self._mark_lines = [1]
        self._counted = 0
        self._line_starts: list[int] | None = None
        self._skip = json.JSONDecoder().raw_decode
        self._ends: dict[int, int] = {}
        self._children: dict[int, dict[str, tuple[int, int]] | list[int] | None] = {}
        # Members of an object indexed only up to the keys descend() wanted (see _index).
        self._early: dict[int, dict[str, tuple[int, int]]] = {}

    @classmethod
    def of(cls, text: str, *, parsed: bool = False) -> _JsonLines | None:
        """A walker for text that is one valid JSON object or array, else None.

        parsed: the caller has json.loads()-ed this very text without error (a plan
        loader has), so only what YAML reads differently is looked for here.
        """
        start = _WS.match(text).end()
        if text[start:start + 1] not in ("{", "[") or not _plain(text):
            return None
        try:
            if not parsed:
                json.loads(text)
            if not _keys_short(text):
                # Some string of 170 characters or more ends at a colon: decode to learn
                # whether it is a key (the hook sees every key once decoded).
                json.loads(text, object_pairs_hook=_short_keys)
        except (ValueError, RecursionError, _LongKey):
            return None
        return cls(text)

    def descend(self, want: dict) -> None:
        """Index in one pass the containers `want` names: key -> what to index below that
        member ("*" for every array item; None: its end only).

        The end of a container indexed here comes from its members, so it is not decoded as a
        whole: a plan's resources are otherwise decoded once per level above them. Text nested
        too deeply for the recursion is left to the lazy walk of span().
        """
        start = _WS.match(self._text).end()
        try:
            if self._text[start] in "{[":
                self._index(start, want, early=True)
        except RecursionError:
            return  # what was indexed before stays: each container is stored once complete

    def span(self, path: Path) -> tuple[int, int]:
        position = _WS.match(self._text, 0).end()
        marker = position
        early = self._early
        for part in path:
            if early and position in early:
                found = early[position].get(str(part))
                if found is not None:
                    marker, position = found
                    continue
            children = self._members(position)
            if isinstance(children, dict):
                found = children.get(str(part))
                if found is None:
                    break
                marker, position = found
            elif isinstance(children, list) and isinstance(part, int) and part < len(children):
                marker = position = children[part]
            else:
                break
        return self._line(marker), self._line(self._end(position) - 1)

    def _none_after(self, want: dict, found: dict, at: int) -> bool:
        """Every wanted key is found, and no later text can spell one of them again.

        A key of letters, digits and underscores is spelled either plainly or with a
        \\u00XX escape of one of its characters; neither may occur after `at`.
        """
        for name in want:
            if name not in found or not _WORD.fullmatch(name):
                return False
            if self._text.find(f'"{name}"', at) >= 0 or _escapes_of(name).search(self._text, at):
                return False
        return True

    def _line(self, offset: int) -> int:
        if self._line_starts is not None:
            return bisect.bisect_right(self._line_starts, offset) + 1  # line breaks before offset
        at = bisect.bisect_right(self._marks, offset) - 1
        base = self._marks[at]
        line = self._mark_lines[at] + self._text.count("\n", base, offset)
        self._counted += offset - base + _LOOKUP_COST
        if self._counted > _RECOUNT_LIMIT * len(self._text) + _RECOUNT_SLACK:
            # Offsets just past each line break, from the summed line lengths.
            self._line_starts = list(accumulate(map(_PLUS_ONE, map(len, self._text.split("\n")))))
        elif offset - base > _MARK_GAP:
            self._marks.insert(at + 1, offset)
            self._mark_lines.insert(at + 1, line)
        return line

    def _end(self, start: int) -> int:
        end = self._ends.get(start)
        if end is None:
            end = self._ends[start] = self._skip(self._text, start)[1]
        return end

    def _members(self, start: int) -> dict[str, tuple[int, int]] | list[int] | None:
        """Key -> (key offset, value offset) of an object (the last of repeated keys wins, as
        in YAML's lookup), item offsets of an array, None for a scalar."""
        if start not in self._children:
            if self._text[start] in "{[":
                self._index(start, {})
            else:
                self._children[start] = None
        return self._children[start]

    def _index(self, start: int, want: dict, *, early: bool = False) -> None:
        """_members() of the container at start, and of the members `want` names (see descend()),
        whose ends then come from their own members instead of decoding them.

        early: stop once every wanted key is found and none can follow (a plan's planned_values
        comes before its resource_changes, prior_state and configuration, which are then never
        decoded); those keys are kept in _early, and other keys index the object in full later.
        """
        if start in self._children:
            return
        text, ws = self._text, _WS.match
        opening = text[start]
        out: dict[str, tuple[int, int]] | list[int] = {} if opening == "{" else []
        closing = "}" if opening == "{" else "]"
        at = ws(text, start + 1).end()
        while text[at] != closing:
            if isinstance(out, dict):
                key, after = json.decoder.scanstring(text, at + 1)
                value = ws(text, ws(text, after).end() + 1).end()  # past the colon
                out[key] = (at, value)
                below = want.get(key)
            else:
                value = at
                out.append(value)
                below = want.get("*")
            if below is not None and text[value] in "{[":
                self._index(value, below)
            at = ws(text, self._end(value)).end()
            if early and isinstance(out, dict) and key in want and self._none_after(want, out, at):
                self._early[start] = {name: out[name] for name in want}
                return
            if text[at] == ",":
                at = ws(text, at + 1).end()
        self._ends[start] = at + 1  # past the closing bracket, as the decoder ends it
        self._children[start] = out
