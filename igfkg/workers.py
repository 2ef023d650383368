"""Worker processes for the build stages that run in parallel (`--jobs N`).

One way to start them, used by parsing, mapping and validation: processes
started by a forkserver (a plain fork copies locks other threads hold, and a
forked pool deadlocked once), which ignore SIGINT. Ctrl-C reaches the whole
process group; the parent alone acts on it: it raises KeyboardInterrupt,
cancels the work not started, lets the workers finish the chunk in hand and
exits 130 with its outputs untouched (a worker interrupted mid-chunk would
send the interrupt back as its result). SIGTERM and SIGHUP keep their
default in the workers: they stop at once, as their pool expects when it
stops them (`terminate`), and the parent, which turns those signals into
KeyboardInterrupt (igfkg.outputs.signals_interrupt), exits 130 too.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")

def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


@contextmanager
def worker_pool(jobs: int, initializer: Callable[..., None] | None = None,
                initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` worker processes. Leaving the block by an exception
    (an interrupt included) cancels the work not yet started, and waits only
    for the pieces in hand (a chunk of pages, a second or so): no worker
    outlives the block, or writes into a folder the caller then removes.

        >>> with worker_pool(2) as pool:
        ...     list(pool.map(abs, [-1, -2]))
        [1, 2]
    """
    pool = ProcessPoolExecutor(jobs, mp_context=get_context("forkserver"),
                               initializer=_start_worker, initargs=(initializer, initargs))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def chunks(items: Sequence[T], jobs: int) -> list[Sequence[T]]:
    """`items` cut into chunks for `jobs` workers: about eight per worker, so
    a slow chunk does not leave the others idle, of 16 to 256 items each, so
    sending them costs little next to the work.

        >>> [len(c) for c in chunks(list(range(300)), 2)]
        [18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 12]
    """
    size = max(16, min(256, len(items) // (jobs * 8)))
    return [items[i:i + size] for i in range(0, len(items), size)]
