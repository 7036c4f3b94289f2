"""`newsletter check`: every content error and warning, then checks of what the build would produce."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from newsletter.content.loader import collect_catalog
from newsletter.content.prepare import CACHE_DIR, DocumentCache
from newsletter.diagnostics import Diagnostic, Severity, error
from newsletter.errors import (
    DuplicateSlugError,
    FieldError,
    FrontMatterSyntaxError,
    MissingReferenceError,
    NewsletterError,
    SettingsError,
    TemplateError,
)
from newsletter.links import check_internal_links
from newsletter.render import Output
from newsletter.render.email_checks import check_emails
from newsletter.render.social_checks import check_social
from newsletter.settings import load_settings
from newsletter.site import Site

# Output checks: each looks at the site and its rendered outputs and returns findings.
OutputCheck = Callable[[Site, Sequence[Output]], list[Diagnostic]]

ERROR_CODES: tuple[tuple[type[NewsletterError], str], ...] = (
    (FrontMatterSyntaxError, "front-matter-syntax"),
    (FieldError, "bad-field"),
    (DuplicateSlugError, "duplicate-slug"),
    (MissingReferenceError, "missing-reference"),
    (SettingsError, "bad-setting"),
    (TemplateError, "template-error"),
    (NewsletterError, "content-error"),
)


def output_checks() -> tuple[OutputCheck, ...]:
    """The checks that run over rendered outputs, one per channel that has any."""
    return (check_emails, check_social, check_internal_links)


def as_diagnostic(exc: NewsletterError) -> Diagnostic:
    """A fatal error, reported alongside the others."""
    code = next(code for kind, code in ERROR_CODES if isinstance(exc, kind))
    return error(code, exc.where, exc.message, exc.hint)


def check_project(root: Path, as_of: date | None = None, online: bool = False) -> list[Diagnostic]:
    """Collect every finding: settings, content, rendered outputs and, when `online`, their external links."""
    from newsletter.build import (
        BuildOptions,
        assemble_site,
        project_templates,
        render_site,
    )

    try:
        settings = load_settings(root)
    except SettingsError as exc:
        return [as_diagnostic(exc)]
    catalog, errors = collect_catalog(root, settings, DocumentCache(root / CACHE_DIR))
    if errors:
        return [*settings.warnings, *catalog.diagnostics, *(as_diagnostic(exc) for exc in errors)]
    try:
        site = assemble_site(root, settings, catalog, BuildOptions(as_of=as_of))
        findings = list(site.diagnostics)
        outputs = render_site(site, project_templates(root))
    except NewsletterError as exc:
        return [*settings.warnings, *catalog.diagnostics, as_diagnostic(exc)]
    for run in output_checks():
        findings.extend(run(site, outputs))
    if online:
        from newsletter.linkcheck import check_online

        findings.extend(check_online(root, outputs, settings.project.site_url).diagnostics)
    return findings


def format_findings(findings: Sequence[Diagnostic], strict: bool = False) -> tuple[str, bool]:
    """The report text, and whether the check failed."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    failed = errors > 0 or (strict and warnings > 0)
    lines = [str(finding) for finding in findings]
    verdict = "failed" if failed else "passed"
    lines.append(f"check {verdict}: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines), failed
