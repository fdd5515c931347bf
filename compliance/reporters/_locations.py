"""Where a finding points, as SARIF, Markdown and baselines need it.

Reported paths are relative to the scan root; code scanning wants them relative
to the repository root, with symlinks resolved, identical across runs. This
module also computes GitHub's `primaryLocationLineHash` exactly as
github/codeql-action's `fingerprints.ts` does, so `upload-sarif` agrees with it
(our own line-free key is compliance.fingerprint, shared with baselines).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from pathlib import Path
from urllib.parse import quote

from ..model import Result

FINGERPRINT_KEY = "compliance/v1"

_MASK = (1 << 64) - 1
_BLOCK = 100
_MOD = 37
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_EOF = 65535
_LF = 10
_DROP = {ord(" "): None, ord("\t"): None}


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
    """Turns results into repository-relative places; caches line hashes per file."""

    def __init__(self, *, root: Path, repo_root: Path | None = None):
        self.root = root.absolute()
        self.repo_root = (repo_root or find_repo_root(self.root)).resolve()
        self._hashes: dict[Path, dict[int, str] | None] = {}
        self._uris: dict[str, tuple[str, bool, Path | None]] = {}

    def uri(self, file: str) -> tuple[str, bool, Path | None]:
        """(uri, is relative to the repository root, resolved path on disk or None)."""
        if file not in self._uris:
            self._uris[file] = self._uri(file)
        return self._uris[file]

    def _uri(self, file: str) -> tuple[str, bool, Path | None]:
        candidate = Path(file)
        if not candidate.is_absolute():
            candidate = self.root / candidate
        if not candidate.is_file():
            # Standard input and other non-files: keep the display name so nothing vanishes.
            return quote(file, safe="/"), True, None
        real = candidate.resolve()
        for path in (real, candidate.absolute()):
            try:
                return quote(path.relative_to(self.repo_root).as_posix(), safe="/"), True, real
            except ValueError:
                continue
        return real.as_uri(), False, real

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
        if place.disk not in self._hashes:
            # Results come file by file: a few files' hashes (one entry per line) are enough to keep.
            while len(self._hashes) >= 4:
                del self._hashes[next(iter(self._hashes))]
            try:
                text = place.disk.read_bytes().decode("utf-8", errors="replace")
            except OSError:
                self._hashes[place.disk] = None
            else:
                self._hashes[place.disk] = line_hashes(text)
        hashes = self._hashes[place.disk]
        return hashes.get(place.start_line) if hashes else None


def line_hashes(text: str) -> dict[int, str]:
    """Line number (1-based) -> "<hex>:<n>", as codeql-action's fingerprints.ts computes.

    There, a rolling hash (base 37, 64 bits) runs over the text with spaces and
    tabs dropped and CR / CRLF read as LF, in UTF-16 code units; a line's hash is
    the window of 100 units starting at its first kept unit, the text being
    followed by an end marker (65535) and zeros. n counts identical hashes so
    far. Here the same windows are read off prefix hashes, in one pass.
    """
    kept = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP)
    if kept.isascii():
        units: Sequence[int] = kept.encode("ascii")
    else:
        units = memoryview(kept.encode("utf-16-le", errors="surrogatepass")).cast("H")
    stream = chain(units, (_EOF,), repeat(0, _BLOCK))
    # 8 bytes per unit, not a Python int each: a 1 MB file would otherwise hold ~40 MB here.
    prefix = array("Q", accumulate(stream, lambda h, c: (h * _MOD + c) & _MASK, initial=0))
    starts = [0]
    if isinstance(units, bytes):
        at = units.find(10)
        while at != -1:
            starts.append(at + 1)
            at = units.find(10, at + 1)
    else:
        starts += [i + 1 for i, unit in enumerate(units) if unit == _LF]
    out: dict[int, str] = {}
    counts: dict[str, int] = {}
    for line, start in enumerate(starts, 1):
        value = format((prefix[start + _BLOCK] - prefix[start] * _FIRST_MOD) & _MASK, "x")
        counts[value] = counts.get(value, 0) + 1
        out[line] = f"{value}:{counts[value]}"
    return out
