"""The `newsletter` console script: a plain `newsletter build` with nothing changed answers before Click loads.

Most rebuilds while writing change nothing. Their answer is the last build's summary
(`newsletter.cache.replay`), so the script looks for it first and loads the command line
only when it must build, or for any other command. Anything unexpected leaves it to the
command line, which says what went wrong.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Entry point of the `newsletter` console script (and of `python -m newsletter`)."""
    asked = sys.argv[1:] == ["build"]
    if asked and (text := _unchanged_build()) is not None:
        sys.stdout.write(text + "\n")
        return
    from newsletter.cli import main as command_line

    try:
        command_line(replay_asked=asked)
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
