"""The `newsletter` console script: a rebuild answers before Click loads, when it can.

A build is handed to the project's build server first, if one runs (`newsletter.buildserver`).
Most other rebuilds while writing change nothing: their answer is the last build's summary
(`newsletter.cache.replay`), so the script looks for it next, and loads the command line only
when it must build, or for any other command. A rebuild it makes itself goes on as the project's
build server. Anything unexpected leaves it to the command line, which says what went wrong.
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from newsletter.cache.warm import WarmCache


def main() -> None:
    """Entry point of the `newsletter` console script (and of `python -m newsletter`)."""
    from newsletter.buildserver.client import forwarded, server_for

    argv = sys.argv[1:]
    served = server_for(argv)
    if served is not None and (answered := forwarded(served, argv)) is not None:
        sys.exit(answered)  # the project's build server built it
    asked = argv == ["build"]
    if asked and (text := _unchanged_build()) is not None:
        sys.stdout.write(text + "\n")
        return
    warm = _kept_warm(served[0]) if served is not None else None
    from newsletter.cli import main as command_line

    status: str | int | None = 0
    try:
        command_line(replay_asked=asked, warm=warm)
    except SystemExit as ended:
        status = ended.code
    except BaseException:
        gc.freeze()  # as below
        raise
    if warm is not None and served is not None:
        warm.settle()
        if warm.loaded and status in (0, 1, None):  # a build that ran to its end, with or without errors
            from newsletter.buildserver.server import serve_after

            serve_after(*served, warm)
    # The process ends here. What the command made is freed on the way out either way; frozen, it is not
    # walked by the garbage collector first, which takes a fifth of a second after a big build.
    gc.freeze()
    sys.exit(status)


def _unchanged_build() -> str | None:
    """The replayed summary of `newsletter build` in the current folder, or None to run it."""
    from pathlib import Path

    from newsletter.cache.replay import replayed
    from newsletter.errors import NewsletterError
    from newsletter.project import find_project

    try:
        return replayed(find_project(Path.cwd()), None, False, None)
    except (NewsletterError, OSError, ValueError):
        return None  # the command line runs the build and reports the problem in its own words


def _kept_warm(root: Path) -> WarmCache | None:
    """Caches for a build to keep in memory, for the build server it goes on as: for a rebuild (the project was
    built before) run from a terminal; not for a first build, nor a script's or a scheduled job's."""
    from newsletter.cache import CACHE_DIR
    from newsletter.cache.freshness import STATE_FILE

    if sys.stdin is None or not sys.stdin.isatty() or not (root / CACHE_DIR / STATE_FILE).is_file():
        return None
    from newsletter.cache.warm import WarmCache

    return WarmCache()
