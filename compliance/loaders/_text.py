"""Read a file's bytes into text safely: size bound, BOMs, UTF-16 without BOM, binary."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 32 * 1024 * 1024


class LoadError(Exception):
    """A file that cannot be loaded; message says why, line says where if known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _too_big(max_bytes: int) -> LoadError:
    return LoadError(f"file is larger than the {format_size(max_bytes)} limit (raise it with --max-file-size)")


def format_size(size: int) -> str:
    """A byte count as a user reads it: "32 MiB", "1.5 MiB", "900 bytes"."""
    mib = size / (1024 * 1024)
    if mib >= 1:
        return f"{mib:.0f} MiB" if size % (1024 * 1024) == 0 else f"{mib:.1f} MiB"
    return f"{size / 1024:.1f} KiB" if size >= 1024 else f"{size} bytes"


def read_limited(stream, max_bytes: int) -> bytes:
    """Read at most max_bytes, refusing (not truncating) anything larger."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def decode(data: bytes) -> str:
    """Decode a manifest's bytes to text, or raise LoadError saying why not."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], encoding)
    head = data[:4096]
    if b"\x00" in head:
        # Windows tools write UTF-16 without a BOM too: ASCII text then has every
        # other byte zero, on the odd side for little-endian.
        even_zero = head[0::2].count(0)
        odd_zero = head[1::2].count(0)
        half = max(len(head) // 2, 1)
        if odd_zero > 0.9 * half and even_zero == 0:
            return _strict(data, "utf-16-le")
        if even_zero > 0.9 * half and odd_zero == 0:
            return _strict(data, "utf-16-be")
        raise LoadError("binary file (contains NUL bytes), not YAML or JSON", data[: data.index(0)].count(b"\n") + 1)
    return _strict(data, "utf-8")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1 if encoding == "utf-8" else None
        raise LoadError(f"not valid {encoding.upper()} (byte offset {exc.start})", line) from None


def read_text(path: Path, max_bytes: int) -> str:
    """Read and decode a file, turning OS errors into LoadError.

    The size is checked before reading, so an oversized file costs no memory. A
    FIFO, socket or device named like a manifest is refused, not read: reading a
    FIFO would block the scan forever (the open is non-blocking for that reason).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(f"not a regular file ({_file_type(info.st_mode)}); not read")
            if info.st_size > max_bytes:
                raise _too_big(max_bytes)
            data = read_limited(stream, max_bytes)
        except OSError as exc:
            raise LoadError(f"cannot read: {exc.strerror or exc}") from None
    return decode(data)


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "a special file"
