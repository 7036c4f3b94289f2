"""The preview's WSGI application, called directly: review pages, reloads, errors and safe file serving."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from newsletter.preview.app import PreviewApp
from newsletter.preview.builder import PreviewBuilder

from .conftest import copy_example

AS_OF = date(2024, 12, 31)
ZENODO = "content/news/2024-11-20-open-dataset-zenodo.md"  # an item of issue-3



class Client:
    """Call the app as a WSGI server would, checking every exchange with wsgiref's validator."""

    def __init__(self, app: PreviewApp):
        self.app = validator(app)

    def get(self, path: str, host: str | None = "127.0.0.1:8000", method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        environ: dict[str, object] = {}
        setup_testing_defaults(environ)
        environ.update(PATH_INFO=path, REQUEST_METHOD=method, QUERY_STRING="")
        if host is None:
            environ.pop("HTTP_HOST", None)
        else:
            environ["HTTP_HOST"] = host
        captured: dict[str, object] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> object:
            captured.update(status=status, headers=dict(headers))
            return lambda data: None

        result = self.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()
        return int(str(captured["status"]).split()[0]), captured["headers"], body  # type: ignore[return-value]

    def text(self, path: str) -> str:
        status, _headers, body = self.get(path)
        assert status == 200, (path, status, body[:200])
        return body.decode("utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


@pytest.fixture
def builder(project: Path, tmp_path: Path) -> PreviewBuilder:
    builder = PreviewBuilder(project, tmp_path / "build", as_of=AS_OF)
    builder.rebuild()
    return builder


@pytest.fixture
def client(builder: PreviewBuilder) -> Client:
    return Client(PreviewApp(builder))


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Client:
    """One build shared by the tests that only read from it."""
    folder = tmp_path_factory.mktemp("shared")
    builder = PreviewBuilder(copy_example(folder / "project"), folder / "build", as_of=AS_OF)
    builder.rebuild()
    return Client(PreviewApp(builder))


def test_home_lists_every_issue_newest_first(reader: Client) -> None:
    html = reader.text("/")
    slugs = re.findall(r'href="/__preview/issues/([^/"]+)/"', html)
    assert slugs == ["issue-3", "issue-2", "issue-1"]


def test_review_page_frames_the_email_with_its_subject_preheader_size_and_plain_text(
        client: Client, builder: PreviewBuilder) -> None:
    html = client.text("/__preview/issues/issue-3/")
    assert "OPINCHARGE #3: our first open data set, a summer school and Donostia" in html
    assert "Our first open data set, a summer school in Paderborn and a webinar in February." in html
    assert 'data-light="/__preview/frame/light/issues/issue-3/email.html"' in html
    assert 'data-dark="/__preview/frame/dark/issues/issue-3/email.html"' in html
    size = (builder.out_dir / "issues" / "issue-3" / "email.html").stat().st_size
    assert f"{size / 1024:.1f} KB of 102 KB" in html
    plain = (builder.out_dir / "issues" / "issue-3" / "email.txt").read_text(encoding="utf-8")
    assert plain.splitlines()[0] in html
    assert '<a href="/issues/issue-3/email.eml" download>' in html
    for device, width in (("phone", 375), ("tablet", 768), ("desktop", 1024)):
        assert f'data-device="{device}" data-width="{width}"' in html


def test_each_tab_says_not_built_when_its_channel_wrote_nothing(client: Client, builder: PreviewBuilder) -> None:
    for path in ("issues/issue-3/email.html", "issues/issue-3/email.txt", "issues/issue-3/email.eml",
                 "issues/issue-3/social.md", "social/drafts.json", "feed.xml"):
        (builder.out_dir / path).unlink(missing_ok=True)
    html = client.text("/__preview/issues/issue-3/")
    assert 'data-light="/__preview/frame/light/issues/issue-3/index.html"' in html
    assert "Email not built: showing the web version." in html
    for label in ("Plain text not built", "Social drafts not built", "Email HTML <small>not built",
                  "Download issue-3.eml <small>not built", "RSS <small>not built"):
        assert label in html
    assert re.search(r'id="email-size">\s*<span class="label">Email size</span>\s*<span class="not-built">not built', html)


def test_tabs_light_up_when_the_channels_have_written_their_files(client: Client, builder: PreviewBuilder) -> None:
    issue = builder.out_dir / "issues" / "issue-3"
    (issue / "email.html").write_text("<html><body><p>Email body</p></body></html>", encoding="utf-8")
    (issue / "email.txt").write_text("Plain & simple\n", encoding="utf-8")
    (issue / "email.eml").write_bytes(b"Subject: x\r\n\r\nbody\r\n")
    (builder.out_dir / "social").mkdir(exist_ok=True)  # the social channel may have written it
    drafts = [
        {"item": "open-dataset-zenodo", "platform": "mastodon", "text": "x" * 510, "length": 510, "limit": 500,
         "url": "https://opincharge.eu/"},
        {"item": "open-dataset-zenodo", "platform": "bluesky", "text": "Part one", "length": 8, "limit": 300,
         "url": "https://opincharge.eu/", "thread": "t1", "part": 1},
        {"item": "open-dataset-zenodo", "platform": "bluesky", "text": "Part two", "length": 8, "limit": 300,
         "url": "https://opincharge.eu/", "thread": "t1", "part": 2},
        {"item": "kick-off-meeting-luxembourg", "platform": "x", "text": "Not in this issue", "length": 17,
         "limit": 280, "url": "https://opincharge.eu/"},
    ]
    (builder.out_dir / "social" / "drafts.json").write_text(json.dumps(drafts), encoding="utf-8")
    (issue / "social.json").unlink(missing_ok=True)  # without the issue's plan, the tab reads drafts.json

    html = client.text("/__preview/issues/issue-3/")
    assert 'data-light="/__preview/frame/light/issues/issue-3/email.html"' in html
    assert "Plain &amp; simple" in html
    assert "10 characters over the 500 limit" in html
    assert "part 1 of 2" in html and "part 2 of 2" in html
    assert "Not in this issue" not in html
    assert '<a href="/issues/issue-3/email.eml" download>' in html
    assert "0.0 KB of 102 KB" in html

    status, headers, body = client.get("/issues/issue-3/email.eml")
    assert status == 200 and headers["Content-Type"] == "message/rfc822"
    assert headers["Content-Disposition"] == 'attachment; filename="issue-3.eml"'


def test_dark_frame_forces_the_dark_mode_styles_and_light_frame_turns_them_off(reader: Client) -> None:
    dark = reader.text("/__preview/frame/dark/static/style.css")
    light = reader.text("/__preview/frame/light/static/style.css")
    original = reader.text("/static/style.css")
    assert "@media (prefers-color-scheme: dark)" in original
    assert "prefers-color-scheme" not in dark and "@media (min-width: 0px)" in dark
    assert "prefers-color-scheme" not in light and "(max-width: 0px) and (min-width: 1px)" in light


def test_framed_pages_link_to_the_local_build_instead_of_the_published_site(reader: Client) -> None:
    html = reader.text("/__preview/frame/light/issues/issue-3/index.html")
    assert "https://opincharge.eu/newsletter/" not in html
    assert '<link rel="canonical" href="/__preview/frame/light/issues/issue-3/">' in html
    assert "live.js" not in html  # the review page around it does the reloading


def test_pages_opened_directly_reload_themselves(client: Client, builder: PreviewBuilder) -> None:
    html = client.text("/issues/issue-3/index.html")
    assert f'<script src="/__preview/assets/live.js" data-version="{builder.state.version}"></script></body>' in html


def test_reload_version_changes_when_the_output_does_and_only_then(
        client: Client, builder: PreviewBuilder, project: Path) -> None:
    first = json.loads(client.text("/__preview/reload"))
    builder.rebuild()  # nothing changed on disk
    assert json.loads(client.text("/__preview/reload")) == first
    item = project / ZENODO
    item.write_text(item.read_text(encoding="utf-8").replace("Data that cannot", "Data that can't"), encoding="utf-8")
    builder.rebuild()
    second = json.loads(client.text("/__preview/reload"))
    assert second["version"] != first["version"] and second["error"] is None


def test_a_new_warning_alone_changes_the_version(client: Client, builder: PreviewBuilder, project: Path) -> None:
    first = builder.state.version
    item = project / ZENODO
    item.write_text(item.read_text(encoding="utf-8").replace("author:", "colour: blue\nauthor:"), encoding="utf-8")
    state = builder.rebuild()
    assert state.changed == 0 and state.version != first


def test_a_build_error_shows_its_one_line_message_until_the_file_is_fixed(
        client: Client, builder: PreviewBuilder, project: Path) -> None:
    item = project / ZENODO
    good = item.read_text(encoding="utf-8")
    item.write_text(good.replace("date: 2024-11-20T09:30:00+01:00", "date: 2024-13-45"), encoding="utf-8")
    state = builder.rebuild()
    assert state.error is not None and state.error.startswith(f"{ZENODO}:3: ")
    reload = json.loads(client.text("/__preview/reload"))
    assert reload["error"] == state.error
    html = client.text("/__preview/issues/issue-3/")
    assert 'role="alert"' in html and state.error.replace("'", "&#39;").replace('"', "&#34;") in html
    assert "Showing the last good build" in html
    assert client.get("/issues/issue-3/index.html")[0] == 200  # the previous output stays served

    assert builder.rebuild().version == state.version  # the same error again: no reload

    item.write_text(good, encoding="utf-8")
    fixed = builder.rebuild()
    assert fixed.error is None and fixed.version != state.version
    assert 'role="alert"' not in client.text("/__preview/issues/issue-3/")


def test_a_broken_template_is_reported_with_its_file_and_line(project: Path, tmp_path: Path) -> None:
    (project / "templates" / "web").mkdir(parents=True)
    (project / "templates" / "web" / "issue.html").write_text("{% extends 'default:web/issue.html' %}\n{% block x %}\n",
                                                             encoding="utf-8")
    builder = PreviewBuilder(project, tmp_path / "build", as_of=AS_OF)
    state = builder.rebuild()
    assert state.result is None
    assert state.error is not None and state.error.startswith("templates/web/issue.html:")
    html = Client(PreviewApp(builder)).text("/")
    assert "Nothing to show until the file is fixed." in html


def test_checks_list_this_issues_findings_and_count_the_others(client: Client, project: Path) -> None:
    item = project / ZENODO
    item.write_text(item.read_text(encoding="utf-8").replace("author:", "colour: blue\nauthor:"), encoding="utf-8")
    other = project / "content/news/2023-06-14-kick-off-meeting-luxembourg.md"
    other.write_text(other.read_text(encoding="utf-8").replace("title:", "flavour: mint\ntitle:", 1), encoding="utf-8")
    checks = client.text("/__preview/issues/issue-3/checks")
    assert 'data-count="1"' in checks
    assert "unknown front-matter key &#39;colour&#39;" in checks and ZENODO in checks
    assert "flavour" not in checks
    # The kick-off item's unknown key, and the French translation of the item edited here, now behind it.
    assert "2 more findings about other items and issues" in checks


def test_unknown_issue_says_so(reader: Client) -> None:
    status, _headers, body = reader.get("/__preview/issues/no-such-issue/")
    assert status == 404 and b"There is no issue <code>no-such-issue</code>" in body
    status, headers, _body = reader.get("/__preview/issues/issue-3")
    assert status == 302 and headers["Location"] == "/__preview/issues/issue-3/"


@pytest.mark.parametrize("path", [
    "/../etc/passwd",
    "/issues/../../etc/passwd",
    "/static/..",
    "/%2e%2e/etc/passwd".replace("%2e", "."),  # what the server hands over after percent-decoding
    "/issues/issue-3/..\\..\\newsletter.toml",
    "/C:/Windows/win.ini",
    "/__preview/frame/dark/../../../etc/passwd",
    "/issues/\x00/index.html",
])
def test_paths_leaving_the_build_folder_are_refused(reader: Client, path: str) -> None:
    status, _headers, body = reader.get(path)
    assert status == 403, body
    assert b"root:" not in body


@pytest.mark.parametrize("path", ["/etc/passwd", "/manifest.json.tmp", "/.hidden", "/issues/issue-3/nothing.html"])
def test_paths_not_in_the_build_are_not_found(reader: Client, path: str) -> None:
    assert reader.get(path)[0] == 404


def test_symbolic_links_out_of_the_build_are_refused(client: Client, builder: PreviewBuilder, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (builder.out_dir / "leak.txt").symlink_to(secret)
    assert client.get("/leak.txt")[0] == 403


def test_folders_redirect_to_their_slash_and_serve_their_index(reader: Client) -> None:
    status, headers, _body = reader.get("/issues/issue-3")
    assert status == 302 and headers["Location"] == "/issues/issue-3/"
    assert "OPINCHARGE Newsletter #3" in reader.text("/issues/issue-3/")
    assert reader.get("/static/")[0] == 404  # no folder listings


def test_only_local_host_names_are_answered(reader: Client) -> None:
    assert reader.get("/", host="localhost:8000")[0] == 200
    assert reader.get("/", host=None)[0] == 200
    status, _headers, _body = reader.get("/issues/issue-3/", host="attacker.example:8000")
    assert status == 403


def test_only_get_and_head_are_allowed(reader: Client) -> None:
    status, headers, _body = reader.get("/", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = reader.get("/static/style.css", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


def test_review_assets_are_served_and_nothing_else_from_the_theme(reader: Client) -> None:
    assert "preview:reload" in reader.text("/__preview/assets/live.js")
    assert reader.get("/__preview/assets/review.css")[0] == 200
    assert reader.get("/__preview/assets/review.html")[0] == 404
    assert reader.get("/__preview/assets/../../templates.py")[0] == 404


def test_social_tab_lists_the_plan_by_date_future_posts_included(reader: Client) -> None:
    from lxml import html as lxml_html

    page = lxml_html.fromstring(reader.text("/__preview/issues/issue-3/"))
    rows = page.xpath("//table[@class='plan']/tbody/tr")
    times = [row.xpath("string(.//time/@datetime)") for row in rows]
    assert times == sorted(times) and len(rows) >= 36
    webinar = [row for row in rows if "Webinar: seeing battery interfaces at work" in row.text_content()]
    assert {row.get("data-kind") for row in webinar} == {"announce", "reminder", "today"}
    announce = next(row for row in webinar if row.get("data-kind") == "announce" and row.get("data-platform") == "x")
    cells = [cell.text_content().strip() for cell in announce.xpath("./td")]
    assert cells[0] == "2025-01-22 10:00" and cells[1] == "X" and cells[2] == "announcement"
    assert re.fullmatch(r"\d+ / 280", cells[4])
    assert "past" not in (announce.get("class") or "")
    summer = [row for row in rows if "Summer school" in row.text_content()]
    assert summer and all("past" in (row.get("class") or "").split() for row in summer)
    linkedin = next(row for row in summer if row.get("data-platform") == "linkedin")
    assert "tag by hand in LinkedIn's composer" in linkedin.text_content()
