"""A progress bar for uploads (files and bytes), shown only on a terminal."""

from __future__ import annotations

from types import TracebackType
from typing import TextIO

from newsletter.publish.run import format_size

_WIDTH = 24


class UploadBar:
    """Draws `[#####     ] 12/40 files, 1.2 MB/3.4 MB` on one line of a terminal; silent elsewhere."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = stream.isatty()
        self.files = self.size = self.done_files = self.done_size = 0

    def start(self, files: int, size: int) -> None:
        self.files, self.size = files, size
        self._draw()

    def sent(self, size: int) -> None:
        self.done_size += size
        self._draw()

    def uploaded(self, path: str) -> None:
        self.done_files += 1
        self._draw()

    def _draw(self) -> None:
        if not self.enabled or not self.files:
            return
        filled = _WIDTH * self.done_size // self.size if self.size else _WIDTH
        self.stream.write(f"\r\x1b[2K[{'#' * filled}{' ' * (_WIDTH - filled)}] {self.done_files}/{self.files} files, "
                          f"{format_size(self.done_size)}/{format_size(self.size)}")
        self.stream.flush()

    def __enter__(self) -> UploadBar:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.enabled and self.files:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
