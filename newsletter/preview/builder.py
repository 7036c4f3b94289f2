"""Build the project into the preview folder, keep the last good build and the last error."""

from __future__ import annotations

import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsletter.build import BuildOptions, BuildResult, build_project
from newsletter.cache.warm import WarmCache
from newsletter.check import as_diagnostic, check_project
from newsletter.diagnostics import Diagnostic
from newsletter.errors import NewsletterError, SourceLocation

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the preview shows: the last good build, and the error of the last attempt if it failed."""

    version: str  # changes with every build attempt; pages reload when it does
    result: BuildResult | None
    error: str | None = None
    seconds: float = 0.0
    changed: int = 0  # files written or removed by the last good build


class PreviewBuilder:
    """Rebuild on demand, one build at a time; a failed build keeps the previous output in place."""

    def __init__(self, root: Path, out_dir: Path, drafts: bool = False, as_of: date | None = None,
                 log: Log | None = None):
        self.root = root
        self.options = BuildOptions(out_dir=out_dir, drafts=drafts, as_of=as_of)
        self.log = log or (lambda message: None)
        # A fresh token per server, so a page left open across a restart reloads too.
        self._token = secrets.token_hex(4)
        self._generation = 0
        self._lock = threading.Lock()
        self._checks_lock = threading.Lock()
        self._state = BuildState(self._version(), None, "not built yet")
        self._checks: tuple[str, list[Diagnostic]] | None = None
        # Templates, prepared documents and rendered parts, kept from one build to the next.
        self._warm = WarmCache()

    @property
    def out_dir(self) -> Path:
        assert self.options.out_dir is not None
        return self.options.out_dir

    @property
    def state(self) -> BuildState:
        return self._state

    def rebuild(self) -> BuildState:
        """Build the whole project; the version (and so the page) changes only when the outcome does."""
        with self._lock:
            started = time.monotonic()
            result, error = self._build()
            seconds = time.monotonic() - started
            before = self._state
            if result is None:
                self.log(f"build failed: {error}")
                if error != before.error:
                    self._generation += 1
                self._state = BuildState(self._version(), before.result, error, seconds, 0)
                self._warm.settle()
                return self._state
            # The build rewrites only files whose bytes changed; a save that changes nothing
            # (or only files no page shows) leaves the version alone, so open pages don't flicker.
            changed = len(result.report.written) + len(result.report.removed)
            same = (changed == 0 and before.error is None and before.result is not None
                    and result.diagnostics == before.result.diagnostics)
            if not same:
                self._generation += 1
            self._state = BuildState(self._version(), result, None, seconds, changed)
            self.log(f"built in {seconds:.2f} s ({changed} file{'s' * (changed != 1)} changed)")
            self._warm.settle()  # the pages reload meanwhile
            return self._state

    def checks(self) -> list[Diagnostic]:
        """What `newsletter check` finds now, computed at most once per build."""
        version = self._state.version
        with self._checks_lock:
            if self._checks is None or self._checks[0] != version:
                try:
                    findings = check_project(self.root, as_of=self.options.as_of)
                except NewsletterError as exc:
                    findings = [as_diagnostic(exc)]
                self._checks = (version, findings)
            return self._checks[1]

    def _build(self) -> tuple[BuildResult | None, str | None]:
        try:
            return build_project(self.root, self.options, warm=self._warm), None
        except NewsletterError as exc:
            return None, one_line(exc, self.root)
        except Exception as exc:  # a bug must not stop the server; show it and keep serving
            self.log(traceback.format_exc())
            return None, f"internal error: {type(exc).__name__}: {exc}; please report it with the traceback above"

    def _version(self) -> str:
        return f"{self._token}-{self._generation}"


def one_line(exc: NewsletterError, root: Path) -> str:
    """The error as `newsletter build` prints it, with paths relative to the project."""
    where = exc.where and SourceLocation(relative_to_project(exc.where.path, root), exc.where.line)
    text = f"{where}: {exc.message}" if where else exc.message
    return f"{text}; {exc.hint}" if exc.hint else text


def relative_to_project(path: Path, root: Path) -> Path:
    """A path inside the project relative to its root (templates report absolute paths)."""
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root.resolve())
        except ValueError:
            return path
    return path
