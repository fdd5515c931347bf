"""Where a finding points, as SARIF, Markdown and baselines need it.

Reported paths are relative to the scan root; code scanning wants them relative
to the repository root, with symlinks resolved, identical across runs. This
module also computes GitHub's `primaryLocationLineHash` exactly as
github/codeql-action's `fingerprints.ts` does, so `upload-sarif` agrees with it
(our own line-free key is compliance.fingerprint, shared with baselines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..model import Result

FINGERPRINT_KEY = "compliance/v1"

_MASK = (1 << 64) - 1
_BLOCK = 100
_MOD = 37
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_EOF = 65535
_SPACE, _TAB, _LF, _CR = 32, 9, 10, 13


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

    def uri(self, file: str) -> tuple[str, bool, Path | None]:
        """(uri, is relative to the repository root, resolved path on disk or None)."""
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

    A rolling hash (base 37, 64 bits) over the 100 characters from the start of
    each line, ignoring spaces and tabs, with CR and CRLF read as LF; n counts
    identical hashes so far. Characters are UTF-16 code units, as in JavaScript.
    """
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    out: dict[int, str] = {}
    counts: dict[str, int] = {}
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}

    def output() -> None:
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update(current: int) -> None:
        index = state["index"]
        begin = window[index]
        window[index] = current
        state["hash"] = (_MOD * state["hash"] + current - _FIRST_MOD * begin) & _MASK
        state["index"] = (index + 1) % _BLOCK

    def process(current: int) -> None:
        if current in (_SPACE, _TAB) or (state["prev_cr"] and current == _LF):
            state["prev_cr"] = False
            return
        if current == _CR:
            current = _LF
            state["prev_cr"] = True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == _LF:
            state["line_start"] = True
        update(current)

    data = text.encode("utf-16-le", errors="surrogatepass")
    for i in range(0, len(data), 2):
        process(data[i] | (data[i + 1] << 8))
    process(_EOF)
    for _ in range(_BLOCK):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return out
