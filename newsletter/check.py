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
    MissingFileError,
    MissingReferenceError,
    NewsletterError,
    SettingsError,
    TemplateError,
)
from newsletter.content.models import Catalog
from newsletter.render import Output
from newsletter.settings import ESP_PRESETS, Settings, SettingsProblems, load_settings
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
    (NewsletterError, "content-error"),
)


def output_checks() -> tuple[OutputCheck, ...]:
    """The checks that run over rendered outputs, one per channel that has any."""
    # Imported here: a build runs the project rules below, and needs none of these.
    from newsletter.render.email_checks import check_emails
    from newsletter.render.social_checks import check_social

    return (check_emails, check_social)


def project_findings(settings: Settings, catalog: Catalog) -> list[Diagnostic]:
    """What is wrong with the project as a whole though every file loads; a build reports these too."""
    return [*_unsubscribe(settings)]


def _unsubscribe(settings: Settings) -> list[Diagnostic]:
    email = settings.email
    if email.esp != "generic" or email.unsubscribe_url:
        return []
    services = ", ".join(esp for esp in ESP_PRESETS if esp != "generic")
    return [error("no-unsubscribe", settings.where("email.esp"),
                  "the emails' unsubscribe link has nowhere to go: no email service and no unsubscribe page is set",
                  f"under [email], write esp = \"mailchimp\" (or {services.removeprefix('mailchimp, ')}), "
                  "or esp = \"generic\" with unsubscribe_url = \"https://...\"")]


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
    from newsletter.build import (
        BuildOptions,
        assemble_site,
        project_templates,
        render_site,
    )

    try:
        settings = load_settings(root)
    except SettingsError as exc:
        return settings_diagnostics(exc)
    catalog, errors = collect_catalog(root, settings, DocumentCache(root / CACHE_DIR))
    if errors:
        return [*settings.warnings, *catalog.diagnostics, *project_findings(settings, catalog),
                *(as_diagnostic(exc) for exc in errors)]
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
