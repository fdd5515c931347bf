"""Write a file the user named: atomically, and never through a symbolic link.

Reports, baselines and the settings file are written to a temporary file in the
same directory and renamed over the target. The rename replaces a symbolic link
at that path instead of following it, so a link planted in a scanned pull
request (`results.sarif -> ~/.bashrc`) cannot redirect the write outside the
path given; and an interrupted write leaves the previous file whole.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO


def _mode(path: Path) -> int:
    """The mode the file gets: an existing regular file's, else what the umask allows."""
    try:
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_text(path: Path) -> Iterator[IO[str]]:
    """A UTF-8 text stream (LF newlines) whose content replaces `path` when the block ends.

    Raises:
        OSError: the directory is missing or not writable, or `path` is a directory.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
