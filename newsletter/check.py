"""`newsletter check`: every content error and warning, then checks of what the build would produce."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from newsletter.build import BuildOptions, assemble_site, project_templates, render_site
from newsletter.cache import CACHE_DIR
from newsletter.cache.documents import DocumentCache
from newsletter.checks.email import check_emails
from newsletter.checks.dead_links import check_internal_links
from newsletter.checks.project import project_findings
from newsletter.checks.social import check_social
from newsletter.publish.stale import check_published
from newsletter.content.loader import collect_catalog
from newsletter.diagnostics import Diagnostic, error, errors_of
from newsletter.errors import (
    DuplicateSlugError,
    FieldError,
    FrontMatterSyntaxError,
    MissingFileError,
    MissingReferenceError,
    NewsletterError,
    RenderError,
    SettingsError,
    TemplateError,
)
from newsletter.outputs import Output
from newsletter.settings.load import SettingsProblems, load_settings
from newsletter.site import Site

# Output checks: each looks at the site and its rendered outputs and returns findings.
OutputCheck = Callable[[Site, Sequence[Output]], list[Diagnostic]]

ERROR_CODES: tuple[tuple[type[NewsletterError], str], ...] = (
    (FrontMatterSyntaxError, "front-matter-syntax"),
    (FieldError, "bad-field"),
    (DuplicateSlugError, "duplicate-slug"),
    (MissingFileError, "missing-file"),
    (MissingReferenceError, "missing-reference"),
    (SettingsError, "bad-setting"),
    (TemplateError, "template-error"),
    (RenderError, "render-error"),
    (NewsletterError, "content-error"),
)


# Every check over rendered outputs, in the order they report: a new check is a module of checks/ and a line here.
OUTPUT_CHECKS: tuple[OutputCheck, ...] = (check_emails, check_social, check_internal_links, check_published)


def as_diagnostic(exc: NewsletterError) -> Diagnostic:
    """A fatal error, reported alongside the others."""
    code = next(code for kind, code in ERROR_CODES if isinstance(exc, kind))
    return error(code, exc.where, exc.message, exc.hint)


def settings_diagnostics(exc: SettingsError) -> list[Diagnostic]:
    """Each problem of newsletter.toml as its own finding, at its own line."""
    problems = exc.problems if isinstance(exc, SettingsProblems) else [exc]
    return [error("bad-setting", problem.where, problem.message, "see the README's settings section")
            for problem in problems]


def check_project(root: Path, as_of: date | None = None, online: bool = False) -> list[Diagnostic]:
    """Collect every finding: settings, content, rendered outputs and, when `online`, their external links."""
    try:
        settings = load_settings(root)
    except SettingsError as exc:
        return settings_diagnostics(exc)
    catalog, errors = collect_catalog(root, settings, DocumentCache(root / CACHE_DIR))
    if errors:
        return [*settings.warnings, *catalog.diagnostics, *project_findings(root, settings, catalog),
                *(as_diagnostic(exc) for exc in errors)]
    try:
        site = assemble_site(root, settings, catalog, BuildOptions(as_of=as_of))
        findings = list(site.diagnostics)
        outputs = render_site(site, project_templates(root))
    except NewsletterError as exc:
        return [*settings.warnings, *catalog.diagnostics, as_diagnostic(exc)]
    if online:
        from newsletter.publish.stale import fetch_publish_record

        findings.extend(fetch_publish_record(root, settings))  # before check_published reads it
    for run in OUTPUT_CHECKS:
        findings.extend(run(site, outputs))
    if online:
        from newsletter.checks.online import check_online

        findings.extend(check_online(root, outputs, settings.project.site_url).diagnostics)
    return findings


def format_findings(findings: Sequence[Diagnostic], strict: bool = False) -> tuple[str, bool]:
    """The report text, and whether the check failed."""
    errors = len(errors_of(findings))
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    lines = [str(finding) for finding in findings]
    verdict = "failed" if failed else "passed"
    lines.append(f"check {verdict}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines), failed
