"""Watch a project's content/, templates/ and newsletter.toml and report each batch of changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from newsletter.settings import SETTINGS_FILE

OnChange = Callable[[set[str]], None]
WATCHED_FOLDERS = ("content", "templates")
# Group the burst of events one save makes (write, rename, chmod) without delaying the rebuild much:
# a save's events come within a millisecond or two, and 10 ms of quiet ends the group (the build
# starts about 17 ms after the save, against 52 ms with 30 ms); a longer burst waits 300 ms at most.
DEBOUNCE_MS = 300
STEP_MS = 10


class _Either:
    """Stop a watch when either event is set (watchfiles polls `is_set`)."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class ProjectWatcher:
    """Two threads: one watches the folders recursively, one the project folder itself (not recursively).

    The project folder usually holds output/ and a virtualenv, too big to watch recursively; its own
    watcher sees newsletter.toml and notices when content/ or templates/ appear or disappear.
    """

    def __init__(self, root: Path, on_change: OnChange, log: Callable[[str], None] | None = None):
        self.root = root
        self.on_change = on_change
        self.log = log or (lambda message: None)
        self._stop = threading.Event()
        self._refolder = threading.Event()
        self._threads = [
            threading.Thread(target=self._watch_folders, name="preview-watch-folders", daemon=True),
            threading.Thread(target=self._watch_root, name="preview-watch-root", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=5)

    def _watch_folders(self) -> None:
        while not self._stop.is_set():
            self._refolder.clear()
            folders = [self.root / name for name in WATCHED_FOLDERS if (self.root / name).is_dir()]
            if not folders:
                self._refolder.wait(1.0)
                continue
            self._watch(folders, watchfiles.DefaultFilter(), recursive=True)

    def _watch_root(self) -> None:
        names = {SETTINGS_FILE, *WATCHED_FOLDERS}

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return Path(path).name in names

        while not self._stop.is_set():
            self._watch([self.root], wanted, recursive=False)

    def _watch(self, paths: list[Path], watch_filter: Callable[[watchfiles.Change, str], bool],
               recursive: bool) -> None:
        stop = _Either(self._stop, self._refolder) if recursive else self._stop
        try:
            for changes in watchfiles.watch(*paths, watch_filter=watch_filter, debounce=DEBOUNCE_MS,
                                            step=STEP_MS, stop_event=stop, recursive=recursive,
                                            raise_interrupt=False):
                changed = {path for _change, path in changes}
                if not recursive and any(Path(path).name in WATCHED_FOLDERS for path in changed):
                    self._refolder.set()  # content/ or templates/ came or went: watch the new set
                self.on_change(changed)
        except (OSError, RuntimeError) as exc:
            # A watched folder removed under us: say so, wait a little and start again.
            self.log(f"watching stopped ({exc}); retrying")
            self._stop.wait(0.5)
