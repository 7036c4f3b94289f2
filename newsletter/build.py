"""The pipeline: load and validate content, assemble issues, render each channel, write atomically."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsletter.assemble import assemble_editions
from newsletter.content.loader import load_catalog
from newsletter.content.models import Catalog
from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import DocumentCache
from newsletter.diagnostics import Diagnostic
from newsletter.errors import UsageError
from newsletter.cache.kept import Kept
from newsletter.cache.freshness import input_fingerprint, inputs_digest, is_fresh, record_build
from newsletter.cache.renders import RenderMemo
from newsletter.cache.replay import ReplayKey
from newsletter.cache.store import MarshalStore
from newsletter.cache.warm import WarmCache
from newsletter.outputs import Divisible, Memo, Output, Renderer, no_memo
from newsletter.settings.load import Settings, load_settings
from newsletter.language_sites import in_language, language_sites
from newsletter.site import Site
from newsletter.summary import summary_record
from newsletter.templates import Templates
from newsletter.workers import PARALLEL_THRESHOLD, spread, worker_count
from newsletter.manifest import read_manifest
from newsletter.write import WriteReport, check_out_dir, write_outputs

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    """What `newsletter build` was asked for."""

    out_dir: Path | None = None
    issue: str | None = None
    drafts: bool = False
    as_of: date | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class BuildResult:
    """What a build did. `outputs` is empty when the output was already up to date (`fresh`)."""

    site: Site
    out_dir: Path
    outputs: tuple[Output, ...]
    report: WriteReport
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    fresh: bool = False


def renderers() -> tuple[Renderer, ...]:
    """Every channel, in the order they run."""
    # Imported here: a build with nothing to do, and `newsletter --help`, need none of them.
    from newsletter.channels.email.renderer import EmailRenderer
    from newsletter.channels.feeds.renderer import FeedsRenderer
    from newsletter.channels.social.renderer import SocialRenderer
    from newsletter.channels.web.renderer import WebRenderer

    return (WebRenderer(), EmailRenderer(), FeedsRenderer(), SocialRenderer())


def load_site(root: Path, options: BuildOptions = BuildOptions(), settings: Settings | None = None,
              warm: WarmCache | None = None) -> Site:
    """Load settings (unless given) and content, and assemble the editions."""
    settings = settings or load_settings(root)
    if warm is not None and options.use_cache:
        cache = warm.documents(root)
    else:
        cache = DocumentCache(root / CACHE_DIR if options.use_cache else None)
    catalog = load_catalog(root, settings, cache, meanwhile=_load_channels)
    return assemble_site(root, settings, catalog, options)


def _load_channels() -> None:
    """Load the code of the channels and of the checks on them, as workers render the content's Markdown."""
    import importlib

    importlib.import_module("newsletter.checks.project")
    renderers()
    load_makers()  # a build this big renders emails and posts in every process


def load_makers() -> None:
    """Import what makes an email and composes a post, which the channels import only when they do: ahead of doing
    it many times (before a big build's workers start, so that they do not each import it)."""
    import importlib

    from newsletter.channels.email.renderer import MAKERS as EMAIL_MAKERS
    from newsletter.channels.social.renderer import MAKERS as SOCIAL_MAKERS

    for name in (*EMAIL_MAKERS, *SOCIAL_MAKERS):
        importlib.import_module(name)


def assemble_site(root: Path, settings: Settings, catalog: Catalog, options: BuildOptions = BuildOptions(),
                  kept: Kept | None = None) -> Site:
    """Assemble the editions of a loaded catalog into the Site every channel reads; `kept`: what a long-running
    process keeps between builds (cache/kept.py)."""
    from newsletter.checks.project import project_findings  # with the channels it checks: see _load_channels

    tz = settings.project.tz
    editions, diagnostics = assemble_editions(catalog, tz, drafts=options.drafts, root=root)
    if options.issue is not None and options.issue not in {edition.slug for edition in editions}:
        known = ", ".join(edition.slug for edition in editions) or "none yet"
        raise UsageError(f"no issue with slug '{options.issue}'", hint=f"use one of: {known}")
    return Site(
        root=root,
        settings=settings,
        catalog=catalog,
        editions=editions,
        as_of=options.as_of or datetime.now(tz).date(),
        drafts=options.drafts,
        diagnostics=(*settings.warnings, *catalog.diagnostics, *diagnostics, *project_findings(root, settings, catalog)),
        kept=kept,
    )


def project_templates(root: Path, use_cache: bool = False) -> Templates:
    """The templates of a project: its own templates/ folder over the default theme.

    With `use_cache`, compiled templates are kept in the project's cache between builds."""
    return Templates(root / "templates", cache_dir=root / CACHE_DIR / "templates" if use_cache else None)


def render_site(site: Site, templates: Templates, progress: Progress | None = None,
                channels: Sequence[Renderer] | None = None, memo: Memo = no_memo,
                parallel: bool = True) -> list[Output]:
    """Run every channel in memory and return all outputs, in a stable order.

    `memo` is the cache layer: channels ask it for a part before rendering it, and it keeps what they render.
    A big site renders its channels in worker processes (see workers.py), unless not `parallel`; the outputs are
    the same.
    """
    runs = [(renderer, each, templates.for_language(language), language if index else None)
            for index, (language, each) in enumerate(language_sites(site)) for renderer in channels or renderers()]
    workers = worker_count() if parallel and len(site.published) >= PARALLEL_THRESHOLD else 1
    if workers < 2:
        outputs: list[Output] = []
        for renderer, each, own, language in runs:
            if progress:
                progress(f"{renderer.name} ({language})" if language else renderer.name)
            outputs.extend(_channel_task(language, functools.partial(renderer.render, each, own, memo))())
        return outputs
    if progress:
        progress(", ".join(dict.fromkeys(renderer.name for renderer, *_rest in runs)))
    # A channel whose outputs fall into parts (the emails, an issue each) is rendered in several tasks, so that
    # no process waits long for another at the end. The largest tasks go first; this process takes the first.
    tasks: list[tuple[float, Callable[[], list[Output]]]] = []
    for renderer, each, own, language in runs:
        parts = _PARTS.get(renderer.name, 1) if isinstance(renderer, Divisible) else 1
        for part in range(parts):
            render = (functools.partial(renderer.render_part, each, own, memo, part, parts)
                      if isinstance(renderer, Divisible) else functools.partial(renderer.render, each, own, memo))
            tasks.append((_COST.get(renderer.name, 1.0) / parts, _channel_task(language, render)))
    order = sorted(range(len(tasks)), key=lambda index: -tasks[index][0])
    # The cache's store behind `memo` (cache/store.py), if it is one.
    owner = getattr(memo, "__self__", None)
    store = owner if isinstance(owner, MarshalStore) else None
    kept = spread([_keeping(tasks[index][1], store) for index in order], workers)
    results: list[list[Output]] = [[] for _ in tasks]
    for index, (outputs, (found, made)) in zip(order, kept):
        results[index] = outputs
        if store is not None:
            store.used.update({key: store.entries[key] for key in found if key in store.entries})
            store.used.update(made)
    return [output for outputs in results for output in outputs]


# Each channel's share of a big build's rendering (CPU seconds at 1,000 items), and how many tasks it is
# split into when its outputs fall into parts: the largest task runs first, in this process.
_COST = {"social": 3.7, "email": 3.7, "web": 1.35, "feeds": 0.5}
_PARTS = {"email": 4}


def _channel_task(language: str | None, render: Callable[[], Iterable[Output]]) -> Callable[[], list[Output]]:
    def task() -> list[Output]:
        rendered = list(render())
        return in_language(language, rendered) if language else rendered
    return task


def _keeping(task: Callable[[], list[Output]],
             store: MarshalStore | None) -> Callable[[], tuple[list[Output], tuple[list[str], dict[str, Any]]]]:
    """The task, also returning what its memo used: the keys of remembered entries and the entries it made.

    A worker's copy of the store is its own; remembered values stay out of what it hands back."""
    def run() -> tuple[list[Output], tuple[list[str], dict[str, Any]]]:
        before = set(store.used) if store is not None else set()
        outputs = task()
        if store is None:
            return outputs, ([], {})
        new = [key for key in store.used if key not in before]
        found = [key for key in new if store.entries.get(key) is store.used[key]]
        return outputs, (found, {key: store.used[key] for key in new if store.entries.get(key) is not store.used[key]})
    return run


def build_project(root: Path, options: BuildOptions = BuildOptions(), progress: Progress | None = None,
                  warm: WarmCache | None = None, inputs: bytes | None = None) -> BuildResult:
    """Build the project at `root` into its output folder and return what was done.

    `warm` keeps templates, prepared documents and rendered parts in memory for the next build (the preview).
    `inputs`: the project's `inputs_digest`, when the caller took it a moment ago (before any content was read)."""
    out_dir = (options.out_dir or root / "output").resolve()
    check_out_dir(root, out_dir)
    if progress:
        progress("content")
    settings = load_settings(root)
    given_as_of = options.as_of
    options = replace(options, as_of=options.as_of or datetime.now(settings.project.tz).date())
    # Taken before reading content: a file saved during the build makes the next build a full one. The inputs'
    # digest is taken once for both keys (a walk of the project and a look at every file, 26 ms at 1,000 items).
    fingerprint, replay = None, None
    if options.use_cache and not options.issue:
        inputs = inputs if inputs is not None else inputs_digest(root)
        fingerprint = input_fingerprint((options, out_dir), inputs)
        replay = ReplayKey(root, out_dir, options.drafts, given_as_of, settings.project.timezone, inputs)
    site = load_site(root, options, settings, warm)
    cache_dir = root / CACHE_DIR
    if fingerprint and is_fresh(cache_dir, out_dir, fingerprint):
        manifest = read_manifest(out_dir)
        report = WriteReport((), tuple(sorted(manifest)), (), tuple(manifest[path] for path in sorted(manifest)))
        result = BuildResult(site, out_dir, (), report, site.diagnostics, fresh=True)
        if replay is not None and not replay.recorded(cache_dir):
            record_build(cache_dir, out_dir, fingerprint, list(manifest), replay.record(summary_record(result)))
        return result
    memo = (warm.memo(root) if warm else RenderMemo(root, cache_dir)) if options.use_cache else None
    if warm is not None and memo is not None:
        site = replace(site, kept=memo.parts)  # what the last build's rendering made, for this one's
    templates = (warm.templates(root, options.use_cache, lambda: project_templates(root, options.use_cache)) if warm
                 else project_templates(root, options.use_cache))
    # A long-running process that finds most parts remembered renders them here: workers would cost more.
    serial = warm is not None and warm.mostly_remembered(memo, settings, options.as_of, options.drafts)
    outputs = render_site(site, templates, progress, memo=memo.remember if memo else no_memo, parallel=not serial)
    keep: list[str] = []
    if options.issue is not None:
        edition = site.edition(options.issue)
        assert edition is not None  # assemble_site refused an unknown slug
        path = site.issue_path(edition)
        prefixes = (path, *(f"{language}/{path}" for language in site.settings.project.further_languages))
        outputs = [output for output in outputs if output.path.as_posix().startswith(prefixes)]
        keep = [path for path in read_manifest(out_dir) if not path.startswith(prefixes)]
    if progress:
        progress("write")
    report = write_outputs(out_dir, outputs, keep=keep, last=warm.written if warm else None)
    if memo is not None and options.issue is None:  # a partial build would drop the other issues' parts
        memo.save()
    result = BuildResult(site, out_dir, tuple(outputs), report, (*site.diagnostics, *report.warnings))
    if fingerprint:
        def record() -> None:
            record_build(cache_dir, out_dir, fingerprint, [entry.path for entry in report.manifest],
                         replay.record(summary_record(result)) if replay is not None else None)
        if warm is not None:
            warm.later(record)
        else:
            record()
    return result
