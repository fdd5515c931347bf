"""Counting what a streamed report writes: its size, and its gzip size near GitHub's upload limit."""

from __future__ import annotations

import gzip
import zlib
from typing import IO, Any


class SizeMeter:
    """Writes text to a stream and counts its UTF-8 size, and its gzip size once that passes `limit`.

    Text is kept (up to `limit` bytes) only until the size passes the limit; then it
    and the rest are compressed as they come, as gzip.compress(text, mtime=0) would.
    Below the limit nothing is compressed: the gzip size is smaller still.
    """

    def __init__(self, stream: IO[str], *, limit: int):
        self.stream = stream
        self.limit = limit
        self.size = 0
        self._held: list[bytes] | None = []
        self._packer: Any = None
        self._packed = 0

    def write(self, text: str) -> None:
        self.stream.write(text)
        data = text.encode("utf-8")
        self.size += len(data)
        if self._packer is not None:
            self._packed += len(self._packer.compress(data))
            return
        assert self._held is not None
        self._held.append(data)
        if self.size > self.limit:
            # Same deflate settings as gzip.compress (level 9); wbits 31 adds the 18-byte gzip wrapper.
            self._packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            for held in self._held:
                self._packed += len(self._packer.compress(held))
            self._held = None

    def gzip_size(self) -> int:
        """The size of gzip.compress(everything written, mtime=0), in bytes."""
        if self._held is not None:
            return len(gzip.compress(b"".join(self._held), mtime=0))
        if self._packer is not None:  # the end of the stream: flush once
            self._packed += len(self._packer.flush())
            self._packer = None
        return self._packed
