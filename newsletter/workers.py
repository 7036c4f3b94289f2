"""Worker processes: how many a build may use, and running independent tasks in forked ones.

Rendering Markdown and rendering the channels are most of a big build's cost, and both split
into tasks that share nothing but what the build has loaded. A forked worker inherits that
(nothing is sent to it), runs tasks and hands back each result through a temporary file; the
results come back in task order, so a build gives the same bytes with workers or without.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
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

    The first task runs in this process while `workers - 1` forked processes take the others;
    every process, this one included, takes the next task nobody has taken when it is free, so
    that one slow task never leaves the others queued behind it. Put the largest first. A task that
    fails in a worker runs again here, so that its error is raised here with its own type and message.
    """
    global _tasks
    if workers < 2 or len(tasks) < 2 or not can_fork():
        return [task() for task in tasks]
    import multiprocessing
    import shutil

    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 1)  # the next task nobody has taken; this process has the first
    folder = tempfile.mkdtemp(prefix="newsletter-results-")
    results: list[Any] = [None] * len(tasks)
    here: set[int] = {0}
    _tasks = tasks
    # What the build holds stays out of the workers' garbage collection, which would otherwise
    # write to (and so copy) every page they share with this process.
    gc.freeze()
    processes = [context.Process(target=_work, args=(taken, folder), daemon=True)
                 for _ in range(min(workers - 1, len(tasks) - 1))]
    try:
        for process in processes:
            process.start()
        results[0] = tasks[0]()
        while (index := _take(taken, len(tasks))) is not None:
            here.add(index)
            results[index] = tasks[index]()
        for process in processes:
            process.join()
        for index in range(len(tasks)):
            if index not in here:
                # A task that failed in a worker, or whose worker died, runs here.
                found = _read_result(os.path.join(folder, f"{index}.pickle"))
                results[index] = found[0] if found else tasks[index]()
    finally:
        _tasks = ()
        gc.unfreeze()
        with taken.get_lock():
            taken.value = len(tasks)  # a task here failed: the workers take no more
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def _take(taken: Any, count: int) -> int | None:
    """Take the next task nobody has taken: its index, or None when all are taken."""
    with taken.get_lock():
        index = int(taken.value)
        if index >= count:
            return None
        taken.value = index + 1
    return index


def _work(taken: Any, folder: str) -> None:
    """A worker: take tasks until none is left, and pickle each result into `folder`.

    A result (a channel's pages) is written a frame at a time, so neither process holds it twice,
    as a pickled copy beside the objects. A task that fails leaves no file: it runs again in the
    process that started the worker, which raises its error."""
    try:
        while (index := _take(taken, len(_tasks))) is not None:
            partial = os.path.join(folder, f"{index}.part")
            try:
                result = _tasks[index]()
                with open(partial, "wb") as stream:
                    pickle.dump(result, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(partial, os.path.join(folder, f"{index}.pickle"))
            except Exception:
                continue  # the folder, partial files and all, goes when the build is done with it
    except KeyboardInterrupt:
        pass  # Ctrl-C reaches every process of the build: the one that started this one says so


def _read_result(name: str) -> tuple[Any] | None:
    """The result a worker left in the file `name`, in a tuple; None when there is none."""
    try:
        with open(name, "rb") as stream:
            return (pickle.load(stream),)
    except FileNotFoundError:
        return None
