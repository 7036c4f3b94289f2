"""Any request path the preview gets maps to a file of its build folder, or to 403/404: never to an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.preview.files import Missing, Refused, resolve

segment = st.one_of(st.text(max_size=12), st.sampled_from(["..", ".", "", "index.html", "news", "%2e%2e", "\x00"]),
                    st.integers(250, 5000).map(lambda length: "a" * length))
url_path = st.lists(segment, max_size=6).map(lambda parts: "/" + "/".join(parts))


@pytest.fixture
def build_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "build"
    (folder / "news" / "first").mkdir(parents=True)
    (folder / "index.html").write_text("<p>home</p>")
    (folder / "news" / "first" / "index.html").write_text("<p>item</p>")
    (folder / "loop").symlink_to("loop")
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "out").symlink_to(tmp_path / "secret.txt")
    return folder


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=url_path)
def test_any_path_is_a_file_inside_the_build_or_refused_or_missing(build_folder: Path, path: str):
    try:
        found = resolve(build_folder, path)
    except (Refused, Missing):
        return
    target = found.path.resolve()
    assert build_folder.resolve() in target.parents or target == build_folder.resolve()


@pytest.mark.parametrize("path", ["/" + "a" * 300, "/news/" + "é" * 200 + "/index.html", "/loop/x", "/out"])
def test_long_names_loops_and_links_out_are_404_or_403(build_folder: Path, path: str):
    with pytest.raises((Missing, Refused)):
        resolve(build_folder, path)


def test_the_app_answers_404_for_a_segment_too_long(tmp_path: Path):
    from .test_preview_app import Client
    from newsletter.preview.app import PreviewApp
    from newsletter.preview.builder import PreviewBuilder

    (tmp_path / "out").mkdir()
    app = PreviewApp(PreviewBuilder(tmp_path, tmp_path / "out"))
    status, _headers, _body = Client(app).get("/" + "a" * 300)
    assert status == 404
