"""Run the preview: build into a temporary folder, serve it on 127.0.0.1, rebuild on every change."""

from __future__ import annotations

import errno
import shutil
import signal
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from datetime import date
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from newsletter.errors import UsageError
from newsletter.preview.app import PREFIX, PreviewApp
from newsletter.preview.builder import PreviewBuilder
from newsletter.preview.watch import ProjectWatcher

# The one address the preview listens on: reviewers' machines only, never the network.
HOST = "127.0.0.1"
Log = Callable[[str], None]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a page left open must not keep the process alive after Ctrl-C


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the page polls several times a second; errors are still logged


class PreviewServer:
    """The preview of one project: a temporary build folder, the HTTP server and the file watcher."""

    def __init__(self, root: Path, port: int = 8000, drafts: bool = False, as_of: date | None = None,
                 log: Log | None = None):
        self.root = root
        self.log = log or (lambda message: None)
        self.out_dir = Path(tempfile.mkdtemp(prefix="newsletter-preview-"))
        try:
            self.builder = PreviewBuilder(root, self.out_dir, drafts=drafts, as_of=as_of, log=self.log)
            self.httpd = _bind(port, PreviewApp(self.builder))
        except BaseException:
            shutil.rmtree(self.out_dir, ignore_errors=True)
            raise
        self.watcher = ProjectWatcher(root, self._changed, log=self.log)
        self._thread: threading.Thread | None = None

    def _changed(self, paths: set[str]) -> None:
        self.builder.rebuild()

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/"

    def review_url(self, slug: str) -> str:
        return f"{self.url}{PREFIX.lstrip('/')}issues/{slug}/"

    def prepare(self) -> None:
        """Build once and start watching; requests arriving meanwhile wait in the socket's queue."""
        self.builder.rebuild()
        self.watcher.start()

    def start(self) -> PreviewServer:
        """Build, watch and serve in a background thread (for tests and embedding)."""
        self.prepare()
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="preview-http", daemon=True)
        self._thread.start()
        return self

    def start_url(self) -> str:
        """The page to open first: the newest issue's review, else the list of issues."""
        result = self.builder.state.result
        editions = result.site.editions if result else ()
        return self.review_url(editions[-1].slug) if editions else self.url

    def close(self) -> None:
        """Stop serving and watching and remove the temporary build folder."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.watcher.stop()
        self.httpd.server_close()
        shutil.rmtree(self.out_dir, ignore_errors=True)

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def _bind(port: int, app: PreviewApp) -> WSGIServer:
    try:
        return make_server(HOST, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is already in use",
                             hint="stop the other server or choose another port with --port N") from None
        raise UsageError(f"cannot listen on {HOST}:{port} ({exc.strerror or exc})",
                         hint="choose another port with --port N") from None


def serve(root: Path, port: int = 8000, open_browser: bool = True, drafts: bool = False,
          as_of: date | None = None, log: Log | None = None) -> None:
    """Serve the review workspace of the project at `root` until Ctrl-C, then clean up."""
    say = log or (lambda message: None)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None  # `kill` cleans up like Ctrl-C
    try:
        with PreviewServer(root, port, drafts=drafts, as_of=as_of, log=say) as server:
            try:
                server.prepare()
                say(f"Preview at {server.url} (Ctrl-C to stop)")
                if open_browser:
                    threading.Thread(target=webbrowser.open, args=(server.start_url(),), daemon=True).start()
                server.httpd.serve_forever()
            except KeyboardInterrupt:
                say("preview stopped")
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
