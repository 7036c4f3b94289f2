"""Channels rendered in worker processes: the same bytes as in one process, errors and cache kept."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from newsletter import build as build_module
from newsletter import workers
from newsletter.build import BuildOptions, build_project
from newsletter.cache import CACHE_DIR
from newsletter.cache.renders import RenderMemo
from newsletter.errors import NewsletterError
from newsletter.outputs import no_memo

from .conftest import EXAMPLE_AS_OF, tree_bytes
from .strategies import projects


@pytest.fixture
def forced_parallel(monkeypatch):
    """Render every site's channels in two processes, however small it is."""
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setenv("NEWSLETTER_JOBS", "2")


def build(root: Path, out: str, **options) -> object:
    return build_project(root, BuildOptions(out_dir=root / out, as_of=EXAMPLE_AS_OF, **options))


def _timed_task(index: int, seconds: float) -> tuple[int, int]:
    time.sleep(seconds)
    return index, os.getpid()


def test_spread_runs_tasks_in_other_processes_and_keeps_their_order():
    # The first task lasts long enough for the workers to have started the others.
    tasks = [functools.partial(_timed_task, index, 0.5 if index == 0 else 0.01) for index in range(5)]
    results = workers.spread(tasks, 3)
    assert [index for index, _pid in results] == list(range(5))
    assert results[0][1] == os.getpid()  # the first task runs here
    assert {pid for _index, pid in results[1:]} - {os.getpid()}  # the others in workers


def _waiting_task(index: int, wait_for: Path | None, leave: Path | None,
                  announce: Path | None = None) -> tuple[int, int]:
    """Leave the file `announce`, wait (at most 20 s) until `wait_for` exists, then leave the file `leave`;
    the task and its process."""
    if announce is not None:
        announce.touch()
    deadline = time.monotonic() + 20
    while wait_for is not None and not wait_for.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    if leave is not None:
        leave.touch()
    return index, os.getpid()


def test_a_worker_takes_every_task_while_this_process_is_busy(tmp_path: Path):
    # The first task waits for the last, which the worker reaches only by taking all the others.
    last = tmp_path / "last"
    tasks = [functools.partial(_waiting_task, 0, last, None),
             *(functools.partial(_waiting_task, index, None, None) for index in range(1, 5)),
             functools.partial(_waiting_task, 5, None, last)]
    results = workers.spread(tasks, 2)
    assert [index for index, _pid in results] == list(range(6))
    assert results[0][1] == os.getpid()
    assert {pid for _index, pid in results[1:]} == {results[1][1]} != {os.getpid()}


def test_this_process_takes_the_tasks_a_busy_worker_has_not(tmp_path: Path):
    # The worker's task waits for the last, which this process reaches only by taking all the others
    # (once the worker has taken its task).
    last, taken = tmp_path / "last", tmp_path / "taken"
    tasks = [functools.partial(_waiting_task, 0, taken, None), functools.partial(_waiting_task, 1, last, None, taken),
             *(functools.partial(_waiting_task, index, None, None) for index in range(2, 5)),
             functools.partial(_waiting_task, 5, None, last)]
    started = time.monotonic()
    results = workers.spread(tasks, 2)
    assert time.monotonic() - started < 15
    assert [index for index, _pid in results] == list(range(6))
    here = [index for index, pid in results if pid == os.getpid()]
    assert here == [0, 2, 3, 4, 5] and results[1][1] != os.getpid()


def test_a_task_failing_in_a_worker_raises_its_own_error_here():
    def failing() -> None:
        raise NewsletterError("templates/email/issue.mjml:3: unknown tag 'oops'")

    with pytest.raises(NewsletterError, match="unknown tag 'oops'"):
        workers.spread([lambda: 1, failing], 2)


def test_results_come_back_through_files_that_are_gone_afterwards(tmp_path: Path, monkeypatch):
    # A worker's result goes through a temporary file: large results whole, and none left behind,
    # also when a task fails here or in a worker.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    pages = [lambda index=index: [bytes([index]) * 3_000_000, "é" * index] for index in range(4)]
    assert workers.spread(pages, 3) == [task() for task in pages]

    def failing() -> None:
        raise NewsletterError("a task failed")

    for tasks in ([failing, *pages], [*pages, failing]):
        with pytest.raises(NewsletterError, match="a task failed"):
            workers.spread(tasks, 3)
    assert list(tmp_path.iterdir()) == []


def test_the_example_is_the_same_rendered_in_workers(example_project: Path, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_JOBS", "1")
    serial = build(example_project, "serial", use_cache=False)
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setenv("NEWSLETTER_JOBS", "2")
    started = []
    real_spread = build_module.spread
    monkeypatch.setattr(build_module, "spread", lambda tasks, count: started.append(count) or real_spread(tasks, count))
    parallel = build(example_project, "parallel", use_cache=False)
    assert started == [2]
    assert tree_bytes(parallel.out_dir) == tree_bytes(serial.out_dir)
    assert any(path.startswith("fr/") for path in tree_bytes(parallel.out_dir))  # every language rendered


@pytest.mark.parametrize("parts", [1, 2, 3, 5])
def test_the_email_parts_one_after_another_are_the_channel(example_project: Path, parts: int):
    # Parts may hold no issue at all (more parts than issues); none is left out or rendered twice.
    from newsletter.build import load_site, project_templates
    from newsletter.channels.email.renderer import EmailRenderer

    site, templates = load_site(example_project, BuildOptions(as_of=EXAMPLE_AS_OF, use_cache=False)), project_templates(example_project)
    renderer = EmailRenderer()
    whole = list(renderer.render(site, templates))
    assert len({output.path.parent for output in whole if output.kind == "email-html"}) == len(site.editions) >= 2
    assert [output for part in range(parts) for output in renderer.render_part(site, templates, no_memo, part, parts)] == whole


def test_parts_rendered_in_workers_are_kept_in_the_cache(example_project: Path, monkeypatch, forced_parallel):
    build(example_project, "parallel")
    parallel = RenderMemo(example_project, example_project / CACHE_DIR).entries
    shutil.rmtree(example_project / CACHE_DIR)
    monkeypatch.setenv("NEWSLETTER_JOBS", "1")
    build(example_project, "serial")
    serial = RenderMemo(example_project, example_project / CACHE_DIR).entries
    assert serial and parallel == serial


def test_a_template_error_in_a_worker_reads_as_in_one_process(example_project: Path, monkeypatch, forced_parallel):
    broken = example_project / "templates" / "web" / "item.html"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("{% extends 'default:web/item.html' %}\n{% block nope %}{{ oops( }}{% endblock %}\n")
    with pytest.raises(NewsletterError) as in_workers:
        build(example_project, "parallel", use_cache=False)
    monkeypatch.setenv("NEWSLETTER_JOBS", "1")
    with pytest.raises(NewsletterError) as alone:
        build(example_project, "serial", use_cache=False)
    assert str(in_workers.value) == str(alone.value)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=projects(hostile=False))
def test_generated_projects_are_the_same_rendered_in_workers(spec, monkeypatch):
    monkeypatch.setattr(build_module, "PARALLEL_THRESHOLD", 0)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        spec.write(root)
        outputs = {}
        for jobs in ("1", "2"):
            monkeypatch.setenv("NEWSLETTER_JOBS", jobs)
            try:
                build_project(root, BuildOptions(out_dir=Path(folder) / jobs, as_of=spec.as_of, use_cache=False))
            except NewsletterError as exc:
                outputs[jobs] = str(exc)
            else:
                outputs[jobs] = tree_bytes(Path(folder) / jobs)
        assert outputs["2"] == outputs["1"]


def test_no_workers_start_from_a_thread(example_project: Path, monkeypatch, forced_parallel):
    import threading

    def refuse(*args, **kwargs):
        raise AssertionError("a worker process was started from a thread")

    monkeypatch.setattr(os, "fork", refuse)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            build(example_project, "threaded", use_cache=False)
        except BaseException as exc:  # noqa: BLE001 - reported to the test's thread
            failures.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert failures == []
    assert (example_project / "threaded" / "index.html").is_file()
