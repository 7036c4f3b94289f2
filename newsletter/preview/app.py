"""The preview as a plain WSGI application: review pages, the reload signal and the build folder's files."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from newsletter.language_sites import language_sites
from newsletter.languages import language_name
from newsletter.preview.builder import PreviewBuilder
from newsletter.preview.files import (
    Found,
    Missing,
    Refused,
    content_type,
    force_scheme,
    is_text_page,
    localize,
    resolve,
)
from newsletter.preview.review import issue_findings, review_issue
from newsletter.templates import THEME_DIR, Templates

StartResponse = Callable[..., Any]
PREFIX = "/__preview/"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ASSETS = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8",
          "live.js": "text/javascript; charset=utf-8"}
_REVIEW = re.compile(r"^(?:([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/)?issues/([^/]+)/(checks)?$")
_FRAME = re.compile(r"^frame/(light|dark)(/.*)$")
_LIVE = '<script src="/__preview/assets/live.js" data-version="{version}"></script>'


class Response:
    def __init__(self, status: HTTPStatus, body: bytes = b"", content_type: str = "text/plain; charset=utf-8",
                 headers: Iterable[tuple[str, str]] = ()):
        self.status = status
        self.body = body
        self.headers = [("Content-Type", content_type), *headers]


def text(status: HTTPStatus, message: str) -> Response:
    return Response(status, f"{status.value} {status.phrase}: {message}\n".encode())


class PreviewApp:
    """Answer requests from the build folder and the review pages; holds no socket."""

    def __init__(self, builder: PreviewBuilder):
        self.builder = builder
        # The preview's own pages come from the packaged theme only: a broken project template
        # must not take the review page down with it.
        self.templates = Templates()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        response = self.handle(environ)
        headers = [*response.headers, ("Content-Length", str(len(response.body))),
                   ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                   ("Content-Security-Policy", "frame-ancestors 'self'"), ("Referrer-Policy", "no-referrer")]
        start_response(f"{response.status.value} {response.status.phrase}", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [response.body]

    def handle(self, environ: dict[str, Any]) -> Response:
        """Route one request."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return Response(HTTPStatus.METHOD_NOT_ALLOWED, b"only GET and HEAD\n", headers=[("Allow", "GET, HEAD")])
        host = environ.get("HTTP_HOST")
        if host is not None and _hostname(host) not in LOCAL_HOSTS:
            # A page elsewhere whose name resolves to 127.0.0.1 must not read the preview (DNS rebinding).
            return text(HTTPStatus.FORBIDDEN, "open the preview as http://127.0.0.1:<port>/")
        try:
            path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return text(HTTPStatus.BAD_REQUEST, "the path is not UTF-8")
        if path == "/":
            return self.home()
        if path.startswith(PREFIX):
            return self.preview_route(path.removeprefix(PREFIX))
        return self.build_file(path, live=True)

    def preview_route(self, route: str) -> Response:
        if route == "reload":
            state = self.builder.state
            body = json.dumps({"version": state.version, "error": state.error}).encode()
            return Response(HTTPStatus.OK, body, "application/json")
        if route.startswith("assets/") and route.removeprefix("assets/") in ASSETS:
            name = route.removeprefix("assets/")
            return Response(HTTPStatus.OK, (THEME_DIR / "preview" / name).read_bytes(), ASSETS[name])
        if match := _FRAME.match(route):
            return self.build_file(match.group(2), scheme=match.group(1))
        if match := _REVIEW.match(route):
            language, slug, checks = match.groups()
            return self.checks(slug) if checks else self.review(slug, language)
        if re.match(r"^(?:[^/]+/)?issues/[^/]+$", route):
            return _redirect(PREFIX + quote(route) + "/")
        return text(HTTPStatus.NOT_FOUND, "no such preview page")

    def home(self) -> Response:
        state = self.builder.state
        editions = state.result.site.editions if state.result else ()
        # Each issue's other languages: (language name, review page).
        translated: dict[str, list[tuple[str, str, str]]] = {}
        for language, site in (language_sites(state.result.site)[1:] if state.result else ()):
            for edition in site.editions:
                translated.setdefault(edition.slug, []).append(
                    (language, language_name(language), f"{PREFIX}{language}/issues/{quote(edition.slug)}/"))
        return self.page("preview/home.html", state=state, editions=tuple(reversed(editions)), translated=translated)

    def review(self, slug: str, language: str | None = None) -> Response:
        """An issue's review page, in the main language or, under `<language>/`, in a further one."""
        state = self.builder.state
        main = state.result.site if state.result else None
        sites = dict(language_sites(main)) if main else {}
        site = sites.get(language or main.settings.project.language) if main else None
        edition = site.edition(slug) if site else None
        if main is None or site is None or edition is None or language == main.settings.project.language:
            editions = main.editions if main else ()
            return self.page("preview/home.html", HTTPStatus.NOT_FOUND, state=state, translated={},
                             editions=tuple(reversed(editions)), missing=f"{language}/{slug}" if language else slug)
        folder = f"{language}/" if language else ""
        review = review_issue(site, self.builder.out_dir, edition, folder)
        # The switch: this issue in each language it is built in, with the address of its review page.
        versions = tuple((code, language_name(code), f"{PREFIX}{code + '/' if index else ''}issues/{quote(slug)}/")
                         for index, (code, each) in enumerate(sites.items())
                         if any(e.slug == slug for e in each.editions))
        return self.page("preview/review.html", state=state, site=site, review=review, edition=edition,
                         language=site.settings.project.language, versions=versions if len(versions) > 1 else ())

    def checks(self, slug: str) -> Response:
        state = self.builder.state
        site = state.result.site if state.result else None
        edition = site.edition(slug) if site else None
        if edition is None:
            return text(HTTPStatus.NOT_FOUND, f"no issue '{slug}'")
        findings = issue_findings(self.builder.checks(), self.builder.root, edition)
        return self.page("preview/checks.html", findings=findings, edition=edition)

    def page(self, template: str, status: HTTPStatus = HTTPStatus.OK, **context: Any) -> Response:
        html = self.templates.render(template, prefix=PREFIX, **context)
        return Response(status, html.encode("utf-8"), "text/html; charset=utf-8")

    def build_file(self, path: str, scheme: str | None = None, live: bool = False) -> Response:
        """A file of the build; framed pages get the chosen colour scheme and local links."""
        try:
            found: Found = resolve(self.builder.out_dir, path)
        except Refused:
            return text(HTTPStatus.FORBIDDEN, "outside the build folder")
        except Missing:
            return text(HTTPStatus.NOT_FOUND, "not in this build")
        if found.redirect:
            prefix = f"{PREFIX}frame/{scheme}" if scheme else ""
            return _redirect(prefix + quote(found.redirect))
        data = found.path.read_bytes()
        headers = []
        if found.path.suffix == ".eml":
            headers.append(("Content-Disposition", f'attachment; filename="{found.path.parent.name}.eml"'))
        if scheme and is_text_page(found.path):
            data = force_scheme(data, scheme)
            state = self.builder.state
            if state.result:
                data = localize(data, state.result.site.settings.project.site_url, f"{PREFIX}frame/{scheme}/")
        elif live and found.path.suffix == ".html" and b"</body>" in data:
            # Pages opened directly reload themselves too.
            head, _, tail = data.rpartition(b"</body>")
            script = _LIVE.format(version=self.builder.state.version).encode()
            data = head + script + b"</body>" + tail
        return Response(HTTPStatus.OK, data, content_type(found.path), headers)


def _redirect(location: str) -> Response:
    return Response(HTTPStatus.FOUND, b"", headers=[("Location", location)])


def _hostname(host: str) -> str:
    """`127.0.0.1:8000` -> `127.0.0.1`, `[::1]:8000` -> `::1`."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if ":" in host else host
