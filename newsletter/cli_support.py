"""What every command shares: one line per error (never a traceback), the project folder, dates as options."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from newsletter.errors import INTERRUPTED, NewsletterError, refused_line


class NewsletterGroup(click.Group):
    """A Click group that turns every NewsletterError into one line on stderr and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsletterError as exc:
            if ctx.meta.get("newsletter.traceback"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            # A file the system refused (permissions, a full disk, a missing folder): name it, no traceback.
            if ctx.meta.get("newsletter.traceback"):
                raise
            click.echo(refused_line(exc), err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            ctx.exit(130)


def project_root(ctx: click.Context) -> Path:
    """The project folder for this command (from --project or by searching upwards)."""
    from newsletter.project import find_project

    return find_project(Path.cwd(), ctx.meta.get("newsletter.project"))


def as_of_option(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None
