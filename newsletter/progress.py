"""A one-line progress display for builds, shown only on a terminal."""

from __future__ import annotations

import time
from types import TracebackType
from typing import TextIO

_LABELS = {
    "content": "loading content",
    "write": "writing output",
}


class StageProgress:
    """Shows the current build stage on one line of a terminal after a short delay; silent elsewhere."""

    delay = 0.3  # seconds: quick builds print nothing but their summary

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str) -> None:
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        label = _LABELS.get(stage, f"rendering {stage}")
        self.stream.write(f"\r\x1b[2K{label}…")
        self.stream.flush()
        self.shown = True

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
