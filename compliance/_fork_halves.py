"""Run a function over two halves of a list at once: one here, one in a forked child.

The cross-resource rules run after every file is loaded, in the main process, while
the pool's workers have gone. Forking once there puts the second core back to work
on them; the child inherits the engine, inventory and locators already built, so the
only cost is the fork and the pickled answers coming back.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Answers the child sends per message: the parent turns each batch into results as it arrives,
# so neither process holds a whole half's answers at once (a x10 corpus has 100,000 of them).
BATCH = 2048


def run_halves(func: Callable[[Sequence[T]], Iterable[R]], items: Sequence[T], split: int) -> Iterator[R]:
    """What func(items) gives, func(items[:split]) here and func(items[split:]) in a forked child.

    func must give the same answers, in the same order, for the same items whatever else it
    was asked (each item's answers depend on that item alone). If the child cannot start,
    fails or dies, the rest of its half is computed here: the answers it had sent are kept,
    the same ones again are skipped, and an error is raised here with its own traceback.
    """
    first, second = items[:split], items[split:]
    if not first or not second:
        yield from func(items)
        return
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    try:
        child = ctx.Process(target=_child, args=(func, second, send), daemon=True)
        child.start()
    except OSError:  # no process to spare (a container's pid limit, say): all of it here
        receive.close()
        send.close()
        yield from func(items)
        return
    send.close()  # the child's end: once it exits, recv() sees end-of-file instead of waiting
    try:
        yield from func(first)
        received = 0
        while True:
            try:
                batch = receive.recv()
            except (EOFError, OSError):  # gone before its end mark
                yield from itertools.islice(func(second), received, None)
                return
            if batch is None:
                return
            received += len(batch)
            yield from batch
    finally:
        receive.close()
        child.join()


def _child(func: Callable[[Sequence[Any]], Iterable[Any]], items: Sequence[Any], send: Any) -> None:
    code = 0
    try:
        answers = iter(func(items))
        while batch := list(itertools.islice(answers, BATCH)):
            send.send(batch)
        send.send(None)
    except BaseException:  # noqa: BLE001 - no end mark: the parent computes the rest and raises it there
        code = 1
    # Straight out: the child writes nothing, and flushing the standard streams on the way out (as
    # multiprocessing does) could wait forever on a lock another thread of the parent (a progress
    # bar's) held at the fork.
    os._exit(code)
