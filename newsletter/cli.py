"""The command line: thin Click commands over the library, and the one place errors are printed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsletter import __version__
from newsletter.cli_support import NewsletterGroup, as_of_option, project_root

if TYPE_CHECKING:
    from newsletter.cache.warm import WarmCache

REPLAY_ASKED = "replay asked"  # in the context's object: see `main`
WARM = "warm"  # in the context's object: the caches a build keeps in memory for the next (see `main`)


@click.group(cls=NewsletterGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="newsletter")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (default: the nearest folder with newsletter.toml).")
@click.option("--traceback", is_flag=True, help="Show the full Python traceback on errors (for bug reports).")
@click.pass_context
def cli(ctx: click.Context, project: Path | None, traceback: bool) -> None:
    """Turn a folder of Markdown news items into email newsletters, feeds, a web archive and social drafts.

    \b
    Start here:
      newsletter init my-project && cd my-project
      newsletter build
    """
    ctx.meta["newsletter.project"] = project
    ctx.meta["newsletter.traceback"] = traceback
    if ctx.invoked_subcommand is None:
        from newsletter.tour import TOUR

        click.echo(TOUR)


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Project name (default: the folder's name).")
@click.option("--no-input", is_flag=True, help="Ask nothing, write the defaults (as without a terminal).")
def init(directory: Path, name: str | None, no_input: bool) -> None:
    """Create a new project with commented settings, one example item and one example issue.

    On a terminal it asks for the project's name, address, grant agreement, granting authority
    and time zone; Enter keeps the value shown in brackets.

    \b
    Example:
      newsletter init opincharge-news --name OPINCHARGE --no-input
    """
    from newsletter.scaffold import answer_problem, init_project, init_questions, refuse_existing

    refuse_existing(directory)
    answers = {}
    if not no_input and sys.stdin.isatty():
        for question in init_questions(directory, name):
            answers[question.key] = click.prompt(question.prompt, default=question.default,
                                                 value_proc=_checked_answer(question.key, answer_problem))
    for path in init_project(directory, name, answers=answers):
        click.echo(f"created {path}")
    click.echo(f"Next: cd {directory} && newsletter build")


def _checked_answer(key: str, problem: Callable[[str, str], str | None]) -> Callable[[str], str]:
    """A prompt's check: the settings' own validation of `key`, asked again until it passes."""

    def check(answer: str) -> str:
        found = problem(key, answer)
        if found:
            raise click.BadParameter(found)
        return answer.strip()

    return check


@cli.command()
@click.argument("title")
@click.option("--type", "item_type", default="news", show_default=True,
              type=click.Choice(["news", "event", "publication", "deliverable", "press"]))
@click.option("--date", "when", default=None, help="Date of the item, YYYY-MM-DD (default: today).")
@click.pass_context
def new(ctx: click.Context, title: str, item_type: str, when: str | None) -> None:
    """Create content/news/YYYY-MM-DD-slug.md with its front matter filled in.

    \b
    Example:
      newsletter new "Kick-off meeting in Luxembourg" --type event
    """
    from newsletter.scaffold import new_item

    path = new_item(project_root(ctx), title, item_type, as_of_option(when))
    click.echo(f"created {path}")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: output/).")
@click.option("--issue", default=None, help="Build only this issue's files (its slug).")
@click.option("--drafts", is_flag=True, help="Include items marked draft: true.")
@click.option("--as-of", default=None, metavar="DATE", help="Reference day for what counts as published (YYYY-MM-DD).")
@click.option("--no-cache", is_flag=True, help="Parse and render every file afresh, ignoring .newsletter-cache/.")
@click.option("--no-server", is_flag=True, help="Build in this process; stop the project's build server (see above).")
@click.pass_context
def build(ctx: click.Context, out: Path | None, issue: str | None, drafts: bool, as_of: str | None,
          no_cache: bool, no_server: bool) -> None:
    """Build the web archive, emails, feeds and social drafts into output/.

    After a rebuild from a terminal, a build server stays in the background with the project loaded
    for the next builds; it stops after 10 idle minutes (NEWSLETTER_SERVER_IDLE, in seconds).
    NEWSLETTER_SERVER=off turns it off.

    \b
    Example:
      newsletter build --as-of 2024-12-31
    """
    from newsletter.cache.freshness import inputs_digest
    from newsletter.cache.replay import replayed

    if no_server:
        from newsletter.buildserver.client import stop

        stop(project_root(ctx))
    given = ctx.obj if isinstance(ctx.obj, dict) else {}
    replay = not (no_cache or issue is not None or given.get(REPLAY_ASKED))  # asked: the console script looked
    inputs = inputs_digest(project_root(ctx)) if replay else None  # taken once, for the build too
    if replay and (text := replayed(project_root(ctx), out, drafts, as_of_option(as_of), inputs)):
        click.echo(text)  # nothing changed since the last build: its summary, without loading the build
        return
    from newsletter.build import BuildOptions, build_project
    from newsletter.progress import StageProgress
    from newsletter.summary import build_summary

    options = BuildOptions(out_dir=out, issue=issue, drafts=drafts, as_of=as_of_option(as_of), use_cache=not no_cache)
    with StageProgress(sys.stderr) as progress:
        result = build_project(project_root(ctx), options, progress, warm=given.get(WARM), inputs=inputs)
    click.echo(build_summary(result, Path.cwd()))


@cli.command()
@click.option("--online", is_flag=True, help="Also request every external link and image (cached for a day).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--as-of", default=None, metavar="DATE", help="Reference day for what counts as published (YYYY-MM-DD).")
@click.pass_context
def check(ctx: click.Context, online: bool, strict: bool, as_of: str | None) -> None:
    """Validate the content and what the build would produce.

    Exit status: 0 when there are no errors (warnings pass unless --strict), 1 when there are.

    --online also requests every external link and image (cached for a day).

    \b
    Example:
      newsletter check --strict --as-of 2024-12-31
    """
    from newsletter.check import check_project, format_findings

    findings = check_project(project_root(ctx), as_of=as_of_option(as_of), online=online)
    text, failed = format_findings(findings, strict=strict)
    click.echo(text, err=failed)
    ctx.exit(1 if failed else 0)


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 to serve on.")
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@click.option("--drafts", is_flag=True, help="Include items marked draft: true.")
@click.option("--as-of", default=None, metavar="DATE", help="Reference day for what counts as published (YYYY-MM-DD).")
@click.pass_context
def preview(ctx: click.Context, port: int, no_open: bool, drafts: bool, as_of: str | None) -> None:
    """Serve a review page for each issue on 127.0.0.1 and rebuild and reload it on every change.

    The build goes to a temporary folder (output/ is left alone) and is removed on Ctrl-C.

    \b
    Example:
      newsletter preview --as-of 2024-12-31 --no-open
    """
    from newsletter.preview.server import serve

    serve(project_root(ctx), port=port, open_browser=not no_open, drafts=drafts, as_of=as_of_option(as_of),
          log=lambda message: click.echo(message, err=True))


@cli.group("import")
def import_group() -> None:
    """Bring posts in from other publishing systems as news items.

    \b
    Example:
      newsletter import wordpress tests/fixtures/wordpress/opincharge.wordpress.xml --dry-run
    """


@import_group.command("wordpress")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite news items that exist with other content.")
@click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
@click.option("--skip-drafts", is_flag=True,
              help="Leave out unpublished posts (default: import them with draft: true).")
@click.option("--copy-local-images", is_flag=True, help="Copy images saved beside the export into content/images/.")
@click.option("--type-map", default="", metavar="CATEGORY=TYPE,...",
              help="Item types for categories or tags, e.g. events=event,papers=publication (over [import] type_map).")
@click.pass_context
def import_wordpress_command(ctx: click.Context, export: Path, force: bool, dry_run: bool, skip_drafts: bool,
                             copy_local_images: bool, type_map: str) -> None:
    """Turn a WordPress export (Tools -> Export) or a saved RSS feed into news items.

    Items go to content/news/; a file that exists with other content is kept unless --force.
    Categories and tags give item types: --type-map and [import] type_map, else common names
    (Events, Publications, Deliverables, Press releases, ...).

    \b
    Example:
      newsletter import wordpress tests/fixtures/wordpress/opincharge.wordpress.xml --dry-run --type-map news=press
    """
    from newsletter.importers.item_types import parse_type_map
    from newsletter.importers.wordpress.importer import format_report, import_wordpress
    from newsletter.settings.load import load_settings

    root = project_root(ctx)
    settings = load_settings(root)
    report = import_wordpress(export, root / "content" / "news", force=force, dry_run=dry_run,
                              include_drafts=not skip_drafts, copy_local_images=copy_local_images,
                              timezone=settings.project.timezone,
                              type_map={**settings.imports.type_map, **parse_type_map(type_map)})
    click.echo(format_report(report, Path.cwd()))


@cli.command()
@click.option("--period", type=click.IntRange(min=1), default=None, help="One reporting period (1-based, from [report]).")
@click.option("--from", "first", default=None, metavar="DATE", help="First day to report (YYYY-MM-DD, included).")
@click.option("--to", "last", default=None, metavar="DATE", help="Last day to report (YYYY-MM-DD, included).")
@click.option("--as-of", default=None, metavar="DATE", help="Reference day: what is done by then (YYYY-MM-DD).")
@click.option("--metrics", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A campaign report exported from Mailchimp or Brevo (CSV): recipients and opens per issue.")
@click.pass_context
def report(ctx: click.Context, period: int | None, first: str | None, last: str | None, as_of: str | None,
           metrics: Path | None) -> None:
    """Write the dissemination report for the funder into output/report/.

    \b
    Examples:
      newsletter report --period 1
      newsletter report --from 2024-01-01 --to 2024-12-31 --metrics campaigns.csv
    """
    from newsletter.report.make import ReportOptions, write_report
    from newsletter.report.summary import report_summary

    options = ReportOptions(period=period, first=as_of_option(first), last=as_of_option(last),
                            as_of=as_of_option(as_of), metrics=metrics)
    click.echo(report_summary(*write_report(project_root(ctx), options), Path.cwd()))


@cli.command("send-test")
@click.argument("issue")
@click.option("--to", "recipients", multiple=True, required=True, metavar="ADDRESS",
              help="A reviewer's address; repeat for more (at most [smtp] max_recipients).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent without connecting to the server.")
@click.pass_context
def send_test(ctx: click.Context, issue: str, recipients: tuple[str, ...], dry_run: bool) -> None:
    """Send an issue's email, subject marked [TEST], to reviewers through SMTP.

    The server comes from [smtp] in newsletter.toml and NEWSLETTER_SMTP_HOST, _PORT, _USER,
    _SECURITY (starttls, ssl or none) and _CAFILE, which win; the password only from
    NEWSLETTER_SMTP_PASSWORD.

    \b
    Example:
      newsletter send-test issue-2 --to coordinator@example.eu --to partner@example.org --dry-run
      newsletter send-test fr/issue-3 --to partenaire@example.org --dry-run
    """
    import os

    from newsletter.send import send_issue_test

    report = send_issue_test(project_root(ctx), issue, recipients, os.environ, dry_run=dry_run)
    click.echo("\n".join(report.describe()))


@cli.command()
@click.option("--dry-run", is_flag=True, help="List what would be uploaded and removed; change nothing on the target.")
@click.option("--to", "to", default=None, metavar="URL", help="Publish here instead of [publish] to.")
@click.option("--force", is_flag=True, help="Publish even when the build has errors.")
@click.pass_context
def publish(ctx: click.Context, dry_run: bool, to: str | None, force: bool) -> None:
    """Upload output/ to where site_url is served: only what changed since the last publish.

    Builds first when the content changed, and publishes nothing while the build has errors
    (those 'newsletter check' fails on). The funder's report (output/report/) is never
    uploaded. The target is [publish] to in newsletter.toml:
    sftp://user@host/path/ (SSH as your ssh command has it: agent, ~/.ssh/config,
    known_hosts) or file:///path/. A password or key passphrase only from
    NEWSLETTER_PUBLISH_PASSWORD.

    \b
    Example:
      newsletter publish --dry-run --to file:///tmp/
    """
    from newsletter.publish.progress import UploadBar
    from newsletter.publish.run import publish_project

    with UploadBar(sys.stderr) as progress:
        report = publish_project(project_root(ctx), to=to, dry_run=dry_run, progress=progress, force=force)
    click.echo("\n".join(report.describe()))


def main(replay_asked: bool = False, args: list[str] | None = None, warm: WarmCache | None = None) -> None:
    """Run the command line (the console script starts at `newsletter.console.main`) on `args` (sys.argv's).

    `replay_asked`: the console script found that `newsletter build` has no replay, a moment ago. `warm`: the
    caches a build keeps in memory, for a process that goes on to build again (newsletter.buildserver)."""
    cli(args=args, prog_name="newsletter", obj={REPLAY_ASKED: replay_asked, WARM: warm})
