"""Writing output trees one after another into one folder, for generated trees: names with spaces, accents and
dots, folders several deep, files that change, stay, go and come back, one by one and staged in threads."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsletter.atomic import TEMP_PREFIX, TEMP_SUFFIX
from newsletter.errors import OutputError
from newsletter.manifest import JOURNAL, MANIFEST
from newsletter.outputs import Output
from newsletter.write import write_outputs

from .conftest import tree_bytes

# Few names, so that trees share paths across builds. "x.y" is a file in some trees and a folder in others,
# so that a file of one build is a folder of the next, or back.
SWITCHING = "x.y"


def paths(switching_is_folder: bool) -> st.SearchStrategy[str]:
    folders = st.sampled_from(["a b", "é", "news", "2024", *([SWITCHING] * 4 if switching_is_folder else [])])
    files = st.sampled_from(["index.html", "Ω.txt", ".hidden", *([] if switching_is_folder else [SWITCHING] * 3)])
    return st.builds(lambda within, name: "/".join([*within, name]), st.lists(folders, max_size=2), files)


def trees(switching_is_folder: bool) -> st.SearchStrategy[dict[str, bytes]]:
    # Up to 60 files: past the point where files are staged in threads.
    return st.one_of(st.dictionaries(paths(switching_is_folder), st.binary(max_size=40), max_size=8),
                     st.dictionaries(paths(switching_is_folder), st.binary(max_size=40), min_size=33, max_size=60))


# A tree whose file is another's folder is refused whole.
TREES = st.one_of(st.booleans().flatmap(trees), st.just({SWITCHING: b"1", f"{SWITCHING}/index.html": b"2"}))
OWN_FILE = "not-ours.txt"


def outputs_of(tree: dict[str, bytes]) -> list[Output]:
    return [Output(PurePosixPath(path), "test", data) for path, data in sorted(tree.items())]


def is_tree(tree: dict[str, bytes]) -> bool:
    """Whether no path of the tree is another's folder (or the manifest): what a build may ask to write."""
    folders = {"/".join(path.split("/")[:depth]) for path in tree for depth in range(1, path.count("/") + 1)}
    return not (folders & set(tree)) and not ({MANIFEST, JOURNAL} & set(tree))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TREES, min_size=1, max_size=4))
def test_each_build_leaves_exactly_its_tree_and_what_is_not_ours(tmp_path_factory: pytest.TempPathFactory,
                                                                  trees: list[dict[str, bytes]]):
    out = tmp_path_factory.mktemp("out")
    (out / OWN_FILE).write_bytes(b"the user's own")
    current: dict[str, bytes] = {}
    for tree in trees:
        before = tree_bytes(out)
        if not is_tree(tree) or OWN_FILE in tree:
            with pytest.raises(OutputError):
                write_outputs(out, outputs_of(tree))
            assert tree_bytes(out) == before  # refused whole: nothing written, nothing left behind
            continue
        event("staged in threads" if sum(current.get(path) != data for path, data in tree.items()) >= 32
              else "staged one by one")
        if any(path.startswith(f"{old}/") or old.startswith(f"{path}/") for path in tree for old in current):
            event("a file of the last build is a folder of this one, or back")
        report = write_outputs(out, outputs_of(tree))
        found = tree_bytes(out)
        manifest = json.loads(found.pop(MANIFEST))
        assert found == {**tree, OWN_FILE: b"the user's own"}
        assert [entry["path"] for entry in manifest["files"]] == sorted(tree)
        assert set(report.written) == {path for path, data in tree.items() if current.get(path) != data}
        assert set(report.removed) == set(current) - set(tree)
        leftovers = [name for _folder, _dirs, files in os.walk(out) for name in files
                     if name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX) or name == JOURNAL]
        assert leftovers == []
        assert all(Path(folder) == out or os.listdir(folder) for folder, _dirs, _files in os.walk(out))  # no empty
        current = tree


@pytest.mark.parametrize("earlier, own, output, message", [
    ("kept.txt", "docs", "docs/index.html",
     "'docs' is a file newsletter did not write, where the build makes a folder"),
    ("kept.txt", "page/notes.txt", "page",
     "'page' is a folder with files newsletter did not write, where the build puts a file"),
    # The last build's folder, with the user's own file put beside ours: not removed to make room.
    ("page/ours.txt", "page/notes.txt", "page",
     "'page' is a folder with files newsletter did not write, where the build puts a file"),
])
def test_what_is_not_ours_in_the_way_of_a_file_or_folder_is_refused_before_anything_is_written(
        tmp_path: Path, earlier: str, own: str, output: str, message: str):
    out = tmp_path / "out"
    write_outputs(out, outputs_of({"kept.txt": b"1", earlier: b"1"}))
    (out / own).parent.mkdir(parents=True, exist_ok=True)
    (out / own).write_bytes(b"the user's own")
    before = tree_bytes(out)
    with pytest.raises(OutputError, match=message):
        write_outputs(out, outputs_of({"kept.txt": b"2", output: b"new"}))
    assert tree_bytes(out) == before


def test_a_linked_file_that_becomes_a_folder_builds(make_project, runner):
    """A project links `files/report`, then replaces it with a folder of that name: the next build switches."""
    from newsletter.cli import cli

    item = "---\ntitle: Report\ndate: 2024-01-12\n---\nRead [the report]({link}).\n"
    root = make_project({"content/files/report": b"first version",
                         "content/news/2024-01-12-report.md": item.format(link="../files/report")})
    assert runner.invoke(cli, ["--project", str(root), "build"]).exit_code == 0
    assert (root / "output/files/report").read_bytes() == b"first version"
    (root / "content/files/report").unlink()
    (root / "content/files/report").mkdir()
    (root / "content/files/report/summary.txt").write_bytes(b"second version")
    (root / "content/news/2024-01-12-report.md").write_text(item.format(link="../files/report/summary.txt"))
    result = runner.invoke(cli, ["--project", str(root), "build"])
    assert result.exit_code == 0, result.output
    assert (root / "output/files/report/summary.txt").read_bytes() == b"second version"
    (root / "content/news/2024-01-12-report.md").write_text(item.format(link="../files/other"))
    (root / "content/files/other").write_bytes(b"third")
    assert runner.invoke(cli, ["--project", str(root), "build"]).exit_code == 0
    assert not (root / "output/files/report").exists()
