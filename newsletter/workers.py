"""Worker processes: how many a build may use, and running independent tasks in forked ones.

Rendering Markdown and rendering the channels are most of a big build's cost, and both split
into tasks that share nothing but what the build has loaded. A forked worker inherits that
(nothing is sent to it), runs its task and hands back the task's result through a temporary
file; the results come back in task order, so a build gives the same bytes with workers or without.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")

# Below this many files or published items, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48


def worker_count() -> int:
    """How many processes may work: NEWSLETTER_JOBS if set (1 turns workers off), else the cores."""
    try:
        return max(1, int(os.environ["NEWSLETTER_JOBS"]))
    except (KeyError, ValueError):
        return min(os.cpu_count() or 1, 8)


def can_fork() -> bool:
    """Whether workers may start here: forking from a thread of a threaded program (the preview's
    watcher) can deadlock, so only the main thread starts them, and only where fork exists."""
    return hasattr(os, "fork") and threading.current_thread() is threading.main_thread()


# The tasks of the current `spread`, inherited by the workers it forks.
_tasks: Sequence[Callable[[], Any]] = ()


def spread(tasks: Sequence[Callable[[], T]], workers: int) -> list[T]:
    """Run every task and return their results in task order.

    The first task runs in this process while `workers - 1` forked processes run the others, then
    this process runs those no worker has started yet; put the largest first. A task that fails in
    a worker runs again here, so that its error is raised here with its own type and message.
    """
    global _tasks
    if workers < 2 or len(tasks) < 2 or not can_fork():
        return [task() for task in tasks]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    results: list[Any] = [None] * len(tasks)
    _tasks = tasks
    # What the build holds stays out of the workers' garbage collection, which would otherwise
    # write to (and so copy) every page they share with this process.
    gc.freeze()
    futures: dict[int, Future[str]] = {}
    try:
        with ProcessPoolExecutor(max_workers=min(workers - 1, len(tasks) - 1),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {index: pool.submit(_run, index) for index in range(1, len(tasks))}
            results[0] = tasks[0]()
            # Then this process takes the tasks no worker has started, the last first, while the
            # workers go on from the first: a small edit's cheap channels are not left to one worker.
            for index in reversed(futures):
                if futures[index].cancel():
                    results[index] = tasks[index]()
            for index, future in futures.items():
                if future.cancelled():
                    continue
                try:
                    results[index] = _read_result(future.result())
                except Exception:  # the task's own error, or a worker that died: run it here
                    results[index] = tasks[index]()
    finally:
        _tasks = ()
        gc.unfreeze()
        for future in futures.values():  # results not read (a task here failed): their files go too
            if future.done() and not future.cancelled() and future.exception() is None:
                with contextlib.suppress(OSError):
                    os.unlink(future.result())
    return results


def _run(index: int) -> str:
    """Run a task in a worker and pickle its result into a temporary file, whose path comes back.

    A result (a channel's pages) is written and read a frame at a time, so neither process holds it
    twice, as a pickled copy beside the objects; through the pool's pipe the whole copy would be."""
    result = _tasks[index]()
    handle, name = tempfile.mkstemp(prefix="newsletter-result-", suffix=".pickle")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        os.unlink(name)
        raise
    return name


def _read_result(name: str) -> Any:
    try:
        with open(name, "rb") as stream:
            return pickle.load(stream)
    finally:
        os.unlink(name)
