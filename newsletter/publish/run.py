"""The publish itself: build if the content changed, compare with the target's record, upload, remove, record."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import asyncssh

from newsletter.diagnostics import errors_of
from newsletter.errors import PublishError, UsageError
from newsletter.publish.address import EXAMPLE, PublishAddress, parse_address, redacted
from newsletter.publish.plan import LocalFile, Plan, emptied_folders, local_files, make_plan
from newsletter.publish.record import RECORD, Record, parse_record, remember_publish
from newsletter.publish.targets import Target, open_target


class Progress(Protocol):
    """Told what a publish is doing, for a progress bar."""

    def start(self, files: int, size: int) -> None: ...

    def sent(self, size: int) -> None: ...

    def uploaded(self, path: str) -> None: ...


class _Silent:
    def start(self, files: int, size: int) -> None:
        pass

    def sent(self, size: int) -> None:
        pass

    def uploaded(self, path: str) -> None:
        pass


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What a publish did (or, with `dry_run`, would do)."""

    url: str
    uploaded: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    size: int  # bytes uploaded
    seconds: float
    built: bool  # the output was rebuilt first
    dry_run: bool = False
    damaged_record: bool = False

    def summary(self) -> str:
        """One line, whatever happened."""
        verb = "would publish" if self.dry_run else "published"
        done = f"Built, then {verb}" if self.built else verb.capitalize()
        return (f"{done} to {self.url}: {len(self.uploaded)} uploaded ({format_size(self.size)}), "
                f"{self.unchanged} unchanged, {len(self.removed)} removed in {self.seconds:.1f} s.")

    def describe(self) -> list[str]:
        """The dry run's list, then the summary line."""
        lines = []
        if self.damaged_record:
            lines.append(f"warning: {RECORD} on the target cannot be read; everything is uploaded, nothing removed")
        if self.dry_run:
            lines += [f"upload {path}" for path in self.uploaded] + [f"remove {path}" for path in self.removed]
        return [*lines, self.summary()]


def format_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"


def publish_address(root: Path, to: str | None) -> PublishAddress:
    """The target: `--to` when given, else `[publish] to`."""
    from newsletter.settings.load import load_settings

    settings = load_settings(root)
    url = to or settings.publish.to
    if not url:
        raise UsageError("there is nowhere to publish to", settings.where("publish"),
                         f"add [publish] to = \"...\" to newsletter.toml ({EXAMPLE}), or give --to")
    try:
        return parse_address(url)
    except ValueError as exc:
        raise UsageError(f"--to {redacted(url)!r} is not a publish address: {exc}", hint=f"write it like {EXAMPLE}") from None


def publish_project(root: Path, to: str | None = None, dry_run: bool = False, progress: Progress | None = None,
                    environ: Mapping[str, str] = os.environ, force: bool = False) -> PublishReport:
    """Build if the content changed, then bring the target up to date with output/; return what was done.

    A build with errors (what `newsletter check` fails on) is not published unless `force`."""
    from newsletter.build import build_project
    from newsletter.cache import CACHE_DIR

    address = publish_address(root, to)
    started = time.monotonic()
    result = build_project(root)  # the build's own freshness check: nothing to do when nothing changed
    errors = errors_of(result.diagnostics)
    if errors and not force:
        more = f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        raise PublishError(f"nothing was published: {errors[0].message}{more}", errors[0].where,
                           "fix the errors first ('newsletter check' lists them all), or publish anyway with --force")
    built = not result.fresh
    report = publish_output(root / "output", address, root / CACHE_DIR, dry_run, progress, environ)
    return replace(report, built=built, seconds=time.monotonic() - started)


def publish_output(out_dir: Path, address: PublishAddress, cache_dir: Path, dry_run: bool = False,
                   progress: Progress | None = None, environ: Mapping[str, str] = os.environ) -> PublishReport:
    """Bring the target up to date with the files of `out_dir`, as they are."""
    started = time.monotonic()
    files = local_files(out_dir)
    plan, record = asyncio.run(_publish(address, files, out_dir, cache_dir, dry_run, progress or _Silent(), environ))
    return PublishReport(address.shown, tuple(file.path for file in plan.upload), len(plan.unchanged), plan.remove,
                         plan.upload_bytes, time.monotonic() - started, False, dry_run, record.damaged)


async def _publish(address: PublishAddress, files: list[LocalFile], out_dir: Path, cache_dir: Path, dry_run: bool,
                   progress: Progress, environ: Mapping[str, str]) -> tuple[Plan, Record]:
    target = await open_target(address, environ)
    try:
        record = parse_record(await target.read(RECORD))
        plan = make_plan(files, record)
        if not dry_run:
            await _carry_out(target, plan, record, out_dir, cache_dir, progress)
    except (asyncssh.SFTPConnectionLost, asyncssh.ConnectionLost, ConnectionError) as exc:
        raise PublishError(f"{address.shown}: the connection was lost ({exc})",
                           hint="run newsletter publish again to finish: it picks up where this one stopped") from None
    finally:
        try:
            await target.close()
        except (OSError, asyncssh.Error):
            pass  # the connection is gone already
    return plan, record


async def _carry_out(target: Target, plan: Plan, record: Record, out_dir: Path, cache_dir: Path,
                     progress: Progress) -> None:
    if plan.empty and not record.pending:
        return
    # The journal first: from here on, a publish that breaks off leaves a record owning what it touched.
    journal = Record(record.files, tuple(sorted(set(record.pending) | {file.path for file in plan.upload})))
    await target.write(RECORD, journal.to_bytes(), _ignore)
    remember_publish(cache_dir, target.address.shown, journal)
    for path in record.pending:
        await target.clean_up(path)
    # A file where the build now has a folder must go before the upload; the other stale files after it,
    # so the site never lacks a page it links to.
    for path in plan.in_the_way:
        await target.remove(path)
    progress.start(len(plan.upload), plan.upload_bytes)
    for file in plan.upload:
        await target.write(file.path, out_dir / file.path, progress.sent)
        progress.uploaded(file.path)
    for path in plan.remove:
        if path not in plan.in_the_way:
            await target.remove(path)
    for folder in emptied_folders(plan.remove):
        await target.remove_folder(folder)
    done = Record(plan.files)
    await target.write(RECORD, done.to_bytes(), _ignore)
    remember_publish(cache_dir, target.address.shown, done)


def _ignore(size: int) -> None:
    pass
