"""Worker processes: how many a build may use, and running independent tasks in forked ones.

Rendering Markdown and rendering the channels are most of a big build's cost, and both split
into tasks that share nothing but what the build has loaded. A forked worker inherits that
(nothing is sent to it), runs its task and sends back the task's result; the results come back
in task order, so a build gives the same bytes with workers or without.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

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

    The first task runs in this process while `workers - 1` forked processes run the others;
    put the largest first. A task that fails in a worker runs again here, so that its error is
    raised here with its own type and message.
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
    try:
        with ProcessPoolExecutor(max_workers=min(workers - 1, len(tasks) - 1),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {index: pool.submit(_run, index) for index in range(1, len(tasks))}
            results[0] = tasks[0]()
            for index, future in futures.items():
                try:
                    results[index] = future.result()
                except Exception:  # the task's own error, or a worker that died: run it here
                    results[index] = tasks[index]()
    finally:
        _tasks = ()
        gc.unfreeze()
    return results


def _run(index: int) -> Any:
    return _tasks[index]()
