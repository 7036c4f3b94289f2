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
    if served is not None and (status := forwarded(served, argv)) is not None:
        sys.exit(status)  # the project's build server built it
    asked = argv == ["build"]
    if asked and (text := _unchanged_build()) is not None:
        sys.stdout.write(text + "\n")
        return
    warm = _kept_warm(served[0]) if served is not None else None
    from newsletter.cli import main as command_line

    try:
        command_line(replay_asked=asked, warm=warm)
    except SystemExit:
        if warm is not None and served is not None:
            warm.settle()
            if warm.loaded:
                from newsletter.buildserver.server import serve_after

                serve_after(*served, warm)
        raise
    finally:
        # The process ends here. What the command made is freed on the way out either way; frozen, it is not
        # walked by the garbage collector first, which takes a fifth of a second after a big build.
        gc.freeze()


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
    built before), not the first build, which is made once (on a machine that builds once, such as CI)."""
    from newsletter.cache import CACHE_DIR
    from newsletter.cache.freshness import STATE_FILE

    if not (root / CACHE_DIR / STATE_FILE).is_file():
        return None
    from newsletter.cache.warm import WarmCache

    return WarmCache()
