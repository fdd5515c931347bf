"""Run a function over two halves of a list at once: one here, one in a forked child.

The cross-resource rules run after every file is loaded, in the main process, while
the pool's workers have gone. Forking once there puts the second core back to work
on them; the child inherits the engine, inventory and locators already built, so the
only cost is the fork and the pickled answers coming back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def run_halves(func: Callable[[Sequence[T]], list], items: Sequence[T], split: int) -> list:
    """func(items[:split]) + func(items[split:]), the second computed in a forked child.

    The answer is the same as calling func once over all items, in the same order, as
    long as func's result for an item depends on nothing computed for the others. If
    the child cannot start, fails or dies, its half is computed here instead: an error
    then surfaces here, with its own traceback, and nothing is lost.
    """
    first, second = items[:split], items[split:]
    if not first or not second:
        return func(items)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    try:
        child = ctx.Process(target=_child, args=(func, second, send), daemon=True)
        child.start()
    except OSError:  # no process to spare (a container's pid limit, say): all of it here
        receive.close()
        send.close()
        return func(items)
    send.close()  # the child's end: once it exits, recv() sees end-of-file instead of waiting
    try:
        head = func(first)
        try:
            tail = receive.recv()
        except (EOFError, OSError):
            tail = None
    finally:
        receive.close()
        child.join()
    return head + (tail if tail is not None else func(second))


def _child(func: Callable[[Sequence[Any]], list], items: Sequence[Any], send: Any) -> None:
    try:
        answer = func(items)
    except BaseException:  # noqa: BLE001 - the parent computes this half again and raises it there
        answer = None
    send.send(answer)
    send.close()
