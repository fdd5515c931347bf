"""Where a finding points, as SARIF, Markdown and baselines need it.

Reported paths are relative to the scan root; code scanning wants them relative
to the repository root, with symlinks resolved, identical across runs. This
module also computes GitHub's `primaryLocationLineHash` exactly as
github/codeql-action's `fingerprints.ts` does, so `upload-sarif` agrees with it
(our own line-free key is compliance.fingerprint, shared with baselines).
"""

from __future__ import annotations

import hashlib
import os
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice, repeat
from operator import and_, mul, sub
from pathlib import Path
from urllib.parse import quote

from ..model import Result

FINGERPRINT_KEY = "compliance/v1"

_MASK = (1 << 64) - 1
_BLOCK = 100
_MOD = 37
_EOF = 65535
_LF = 10
# Window hashes are computed for the line starts inside one span of text at a time, so the
# tables below stay small and a file is read only as far as the last line asked for.
_SPAN = 2048
_ONE_MORE = (1).__add__
# Source bytes of the files whose line hashes a Locator keeps, so that copies of a file are
# hashed once; with their tables they take at most about four times this.
CACHE_BYTES = 8 * 1024 * 1024


def find_repo_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `.git`, else `start` itself."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


@dataclass(frozen=True, slots=True)
class Place:
    """The primary location of a result.

    `uri` is relative to the repository root (posix, percent-encoded) when the
    file lies inside it; otherwise an absolute file URI, or for standard input
    the display name. `disk` is the resolved file to hash, None when unreadable.
    """

    uri: str
    relative: bool
    disk: Path | None
    start_line: int
    end_line: int
    # Where the resource was read when the primary location is its origin (a
    # chart template, the .tf file behind a plan): (uri, relative, start, end).
    rendered: tuple[str, bool, int, int] | None = None


class Locator:
    """Turns results into repository-relative places; caches line hashes per file content."""

    def __init__(self, *, root: Path, repo_root: Path | None = None, cache_bytes: int = CACHE_BYTES):
        self.root = root.absolute()
        self.repo_root = (repo_root or find_repo_root(self.root)).resolve()
        self._uris: dict[str, tuple[str, bool, Path | None]] = {}
        self._root = str(self.root)
        self._repo_prefix = str(self.repo_root).rstrip("/") + "/"
        self._dirs: dict[str, str] = {}  # directory -> its real path
        # Resolved path -> digest of its bytes (None: unreadable), so a file is read once;
        # digest -> its hashes and size, oldest first, so identical files (copies, vendored
        # charts) are hashed once. The second is bounded by `cache_bytes` of source.
        self._digests: dict[Path, bytes | None] = {}
        self._hashes: dict[bytes, tuple[LineHashes, int]] = {}
        self._cached = 0
        self._cache_bytes = cache_bytes

    def uri(self, file: str) -> tuple[str, bool, Path | None]:
        """(uri, is relative to the repository root, resolved path on disk or None)."""
        if file not in self._uris:
            self._uris[file] = self._uri(file)
        return self._uris[file]

    def _uri(self, file: str) -> tuple[str, bool, Path | None]:
        # os.path on strings, not pathlib: this runs once per file with results, and pathlib's
        # parsing cost more than the rest of placing them. Same answers as Path.resolve() etc.
        path = file if os.path.isabs(file) else os.path.join(self._root, file)
        if not os.path.isfile(path):
            # Standard input and other non-files: keep the display name so nothing vanishes.
            return quote(file, safe="/"), True, None
        real = Path(self._realpath(path))
        # The file as found, else as named (the scan root may hold a link to it).
        for candidate in (real, Path(path)):
            if os.sep == "/":
                # What candidate.relative_to(repo_root).as_posix() gives: a lexical prefix, on POSIX.
                text = str(candidate)
                if text.startswith(self._repo_prefix):
                    return quote(text[len(self._repo_prefix):], safe="/"), True, real
                continue
            try:
                return quote(candidate.relative_to(self.repo_root).as_posix(), safe="/"), True, real
            except ValueError:
                continue
        return real.as_uri(), False, real

    def _realpath(self, path: str) -> str:
        """os.path.realpath(path) (what Path.resolve() is), walking each directory once."""
        head, name = os.path.split(path)
        if name in ("", ".", "..") or os.path.islink(path):
            return os.path.realpath(path)
        if head not in self._dirs:
            self._dirs[head] = os.path.realpath(head)
        return os.path.join(self._dirs[head], name)

    def on_disk(self, result: Result) -> bool:
        """Whether place(result).disk is a file (not standard input), without making the place."""
        src = result.resource.source
        origin = src.origin
        file = origin.file if origin is not None and origin.file and origin.file != src.file else src.file
        return self.uri(file)[2] is not None

    def place(self, result: Result) -> Place:
        """The location a developer fixes: the origin file when the loader knows it."""
        src = result.resource.source
        start = max(1, result.line or src.start_line or 1)
        end = max(start, result.end_line or src.end_line or start)
        uri, relative, disk = self.uri(src.file)
        origin = src.origin
        if origin is not None and origin.file and origin.file != src.file:
            o_uri, o_rel, o_disk = self.uri(origin.file)
            o_line = max(1, origin.line or 1)
            return Place(o_uri, o_rel, o_disk, o_line, o_line, rendered=(uri, relative, start, end))
        return Place(uri, relative, disk, start, end)

    def line_hash(self, place: Place) -> str | None:
        """GitHub's primaryLocationLineHash for the place's start line, or None."""
        if place.disk is None:
            return None
        hashes = self._file_hashes(place.disk)
        return hashes.line(place.start_line) if hashes is not None else None

    def _file_hashes(self, disk: Path) -> LineHashes | None:
        if disk in self._digests:
            digest = self._digests[disk]
            if digest is None:  # unreadable
                return None
            entry = self._hashes.get(digest)
            if entry is not None:
                return entry[0]
        # First sight of this path, or its hashes were evicted: read it (again).
        try:
            data = disk.read_bytes()
        except OSError:
            self._digests[disk] = None
            return None
        digest = self._digests[disk] = hashlib.blake2b(data, digest_size=16).digest()
        entry = self._hashes.get(digest)
        if entry is not None:  # a copy of a file seen before
            return entry[0]
        hashes = LineHashes.of_bytes(data)
        self._hashes[digest] = (hashes, len(data))
        self._cached += len(data)
        # Results come file by file, so the oldest entries are the ones done with.
        while self._cached > self._cache_bytes and len(self._hashes) > 1:
            self._cached -= self._hashes.pop(next(iter(self._hashes)))[1]
        return hashes


def line_hashes(text: str) -> dict[int, str]:
    """Line number (1-based) -> "<hex>:<n>", as codeql-action's fingerprints.ts computes.

    There, a rolling hash (base 37, 64 bits) runs over the text with spaces and
    tabs dropped and CR / CRLF read as LF, in UTF-16 code units; a line's hash is
    the window of 100 units starting at its first kept unit, the text being
    followed by an end marker (65535) and zeros. n counts identical hashes so
    far. LineHashes computes the same, for the lines asked for.
    """
    hashes = LineHashes.of_text(text)
    return {line: hashes.line(line) or "" for line in range(1, hashes.lines + 1)}


_TABLES: list[list[int]] = []


def _tables() -> tuple[list[int], list[int]]:
    """37^-k and 37^(k+99) modulo 2^64 for k within one span (37 is odd, so it has an inverse)."""
    if not _TABLES or len(_TABLES[0]) < _SPAN + _BLOCK:
        _TABLES.clear()
        inverse = pow(_MOD, -1, 1 << 64)
        _TABLES.append(list(accumulate(repeat(inverse, _SPAN + _BLOCK - 1), lambda a, b: a * b & _MASK,
                                       initial=1)))
        _TABLES.append(list(accumulate(repeat(_MOD, _SPAN - 1), lambda a, b: a * b & _MASK,
                                       initial=pow(_MOD, _BLOCK - 1, 1 << 64))))
    return _TABLES[0], _TABLES[1]


class LineHashes:
    """The primaryLocationLineHash of each line of one text, computed as far as asked for.

    fingerprints.ts rolls its hash over every unit, one at a time; done that way in
    Python it cost more than the rest of the SARIF writer. Here a window's hash is
    read off sums made by C loops: with A[i] = sum of unit[k] * 37^-k for k < i,
    the window of 100 units at s hashes to 37^(s+99) * (A[s+100] - A[s]) mod 2^64.
    Hashes are computed span by span up to the line asked for, since n (how many
    earlier lines hash the same) needs every earlier line's hash, but no later one.
    """

    def __init__(self, units: Sequence[int], *, lines: int, text: str | bytes | None = None,
                 starts: list[int] | None = None):
        """Use of_bytes() or of_text().

        Args:
            units: the kept UTF-16 code units (spaces and tabs dropped, line breaks as LF).
            lines: how many lines the text has.
            text: the same units, one character or byte each, where line breaks are looked for.
            starts: every line's first unit, when there is no such `text`.
        """
        self._units = units
        self._text = text
        self._newline = b"\n" if isinstance(text, bytes) else "\n"
        self.lines = lines
        self._starts = starts or [0]
        self._scanned = 0 if starts is None else len(units)  # line breaks before this are in _starts
        self._values = array("Q")
        self._seen = array("L")
        self._counts: dict[int, int] | None = {}

    @classmethod
    def of_bytes(cls, data: bytes) -> LineHashes:
        """The hashes of a file's bytes (invalid UTF-8 read as U+FFFD, as the text would be)."""
        if data.isascii():
            # One byte per UTF-16 unit: normalize the bytes, no decoding needed.
            units = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").translate(None, b" \t")
            return cls(units, lines=units.count(_LF) + 1, text=units)
        return cls.of_text(data.decode("utf-8", errors="replace"))

    @classmethod
    def of_text(cls, text: str) -> LineHashes:
        """The hashes of a text."""
        kept = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
        if kept.isascii():
            units = kept.encode("ascii")
            return cls(units, lines=units.count(_LF) + 1, text=units)
        wide = memoryview(kept.encode("utf-16-le", errors="surrogatepass")).cast("H")
        if len(wide) == len(kept):  # no surrogate pairs: string positions are unit positions
            return cls(wide, lines=kept.count("\n") + 1, text=kept)
        starts = [0, *(i + 1 for i, unit in enumerate(wide) if unit == _LF)]
        return cls(wide, lines=len(starts), starts=starts)

    @property
    def hashed(self) -> int:
        """How many lines (from the first) are hashed so far; the text after them is not read yet."""
        return len(self._values)

    def line(self, number: int) -> str | None:
        """ "<hex>:<n>" for a line (1-based), None past the end of the text."""
        if not 1 <= number <= self.lines:
            return None
        while len(self._values) < number:
            self._extend()
        return f"{self._values[number - 1]:x}:{self._seen[number - 1]}"

    def _scan(self, upto: int) -> None:
        """Add the starts of the lines that begin after a line break before `upto`."""
        upto = min(upto, len(self._units))
        if upto <= self._scanned:
            return
        assert self._text is not None, "line starts left to find"
        # Line lengths by a C split: start[i + 1] = start[i] + len(line i) + 1.
        ends = self._text[self._scanned:upto].split(self._newline)  # type: ignore[arg-type]
        ends.pop()  # the part after the last break (if any) is not a whole line yet
        self._starts += islice(accumulate(map(_ONE_MORE, map(len, ends)), initial=self._scanned), 1, None)
        self._scanned = upto

    def _extend(self) -> None:
        """Hash the lines that start in the next span of text."""
        inverse_powers, powers = _tables()
        units, starts, done = self._units, self._starts, len(self._values)
        while len(starts) <= done:  # a line longer than a span: find where the next one starts
            self._scan(self._scanned + _SPAN)
        first = starts[done]
        limit = first + _SPAN
        self._scan(limit)
        stop = bisect_left(starts, limit, done)
        end = starts[stop - 1] + _BLOCK  # the last window of the span ends before here
        segment: Sequence[int] | chain[int] = units[first:end]
        if end >= len(units):
            segment = chain(segment, (_EOF,))  # the zeros after the end marker add nothing
        prefix = list(accumulate(map(mul, segment, inverse_powers), initial=0))
        prefix += repeat(prefix[-1], _BLOCK)  # windows reaching past the end
        at = [s - first for s in starts[done:stop]]
        # powers[r] * (prefix[r + 100] - prefix[r]) & MASK for each r in `at`, in C loops.
        sums = map(sub, map(prefix.__getitem__, map(_BLOCK.__add__, at)), map(prefix.__getitem__, at))
        values = list(map(and_, map(mul, map(powers.__getitem__, at), sums), repeat(_MASK)))
        counts = self._counts
        assert counts is not None, "lines are hashed once"
        if counts.keys().isdisjoint(values) and len(set(values)) == len(values):
            # The usual case: no line of the span repeats an earlier window.
            counts.update(zip(values, repeat(1)))
            self._seen.extend(repeat(1, len(values)))
        else:
            for value in values:
                n = counts[value] = counts.get(value, 0) + 1
                self._seen.append(n)
        self._values.extend(values)
        if len(self._values) == self.lines:
            # Done: the text and the counts are no longer needed.
            self._units, self._text, self._counts = b"", None, None
