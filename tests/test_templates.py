"""A broken template, the project's own or the theme's, is one line naming the template file and its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.cli import cli
from newsletter.templates import THEME_DIR, Templates

from .conftest import PUBLISHABLE_SETTINGS

# Templates every build of the minimal project renders, and a fault to put in each, with what the error says.
USED = ["web/index.html", "web/issue.html", "web/item.html", "web/base.html", "web/funding.html",
        "email/issue.mjml", "email/header.mjml", "email/footer.mjml", "email/issue.txt", "email/cards/card.txt",
        "social/mastodon.txt", "social/sheet.md"]
FAULTS = {
    "undefined": ("{{ settings.project.nope.deeper }}", "failed ('newsletter.settings.project.ProjectSettings object' has no "
                                                        "attribute 'nope')"),
    "runtime": ("{{ 1 // 0 }}", "failed (ZeroDivisionError: integer division or modulo by zero)"),
    "syntax": ("{% if %}", "template syntax error: Expected an expression, got 'end of statement block'"),
    "include": ('{% include "email/nothing.mjml" %}', "template 'email/nothing.mjml' not found"),
}


def broken_override(name: str, fault: str, line: int) -> str:
    """The theme's own file with a fault on `line`, after lines of plain text that render as they are."""
    padding = "".join(f"{{# line {n} #}}\n" for n in range(1, line))
    return padding + FAULTS[fault][0] + "\n" + (THEME_DIR / name).read_text(encoding="utf-8")


@given(name=st.sampled_from(USED), fault=st.sampled_from(sorted(FAULTS)), line=st.integers(1, 30))
@settings(max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_broken_template_of_the_project_names_its_file_and_line(make_project, runner, name, fault, line):
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS, f"templates/{name}": broken_override(name, fault, line)},
                        name=f"p{abs(hash((name, fault, line)))}")
    result = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    [message] = result.stderr.splitlines()
    assert message.startswith(f"error: templates/{name}:{line}: "), message
    assert FAULTS[fault][1] in message
    assert not (root / "output").exists()
    check = runner.invoke(cli, ["--project", str(root), "check", "--as-of", "2024-12-31"])
    assert f"templates/{name}:{line}: error: " in check.stderr and "[template-error]" in check.stderr


def test_a_fault_in_the_theme_names_the_theme_file_and_asks_for_a_report(tmp_path: Path):
    broken = tmp_path / "templates"
    (broken / "web").mkdir(parents=True)
    (broken / "web/index.html").write_text('{% extends "web/base.html" %}{% block content %}{% endblock %}')
    templates = Templates(broken)
    with pytest.raises(Exception) as caught:
        templates.render("web/index.html", settings=None)
    where = caught.value.where  # type: ignore[attr-defined]
    assert where.path == THEME_DIR / "web/base.html" and where.line == 2
    assert caught.value.hint == "the default theme failed on this project: run with --traceback and report it"  # type: ignore[attr-defined]


def test_email_that_does_not_compile_names_the_template_and_the_projects_own_email_templates(make_project, runner):
    footer = (THEME_DIR / "email/footer.mjml").read_text().replace("</mj-section>", "", 1)
    root = make_project({"newsletter.toml": PUBLISHABLE_SETTINGS, "templates/email/footer.mjml": footer})
    result = runner.invoke(cli, ["--project", str(root), "build", "--as-of", "2024-12-31"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {THEME_DIR / 'email/issue.mjml'}: the email template does not compile")
    assert result.stderr.endswith("; check the tags in your templates/email/footer.mjml\n")


def test_a_template_uses_the_projects_files_it_extends_or_includes_at_any_depth(tmp_path: Path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web/index.html").write_text('{% extends "default:web/index.html" %}')
    templates = Templates(tmp_path)
    assert templates.uses_project_files("web/index.html")
    assert not templates.uses_project_files("web/item.html")  # the archive's override takes no part in it
    (tmp_path / "web/funding.html").write_text("<footer>{{ settings.project.name }}</footer>")
    templates = Templates(tmp_path)  # included by the base every page extends
    assert all(templates.uses_project_files(name) for name in ("web/item.html", "web/issue.html", "web/tag.html"))
    assert not Templates(None).uses_project_files("web/item.html")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(codec="utf-8", exclude_characters="{}%#"), max_size=30),
       value=st.text(max_size=20), language=st.sampled_from(["en", "fr", "de"]))
def test_underscore_in_a_template_translates_as_jinjas_i18n_extension_does(tmp_path: Path, text: str, value: str,
                                                                          language: str):
    """`_()` is ours (one call instead of the extension's three): the same text, translation, escaping and filling."""
    import jinja2

    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    source = ("{{ _('Read more') }}|{{ _('Hello %(name)s, ' ~ text, name=value) }}|"
              "{{ _(text ~ ' %%') }}|{% trans %}Read more{% endtrans %}")
    for suffix in (".html", ".txt"):  # escaped, and not
        (folder / f"probe{suffix}").write_text(source, encoding="utf-8")
    templates = Templates(folder, language=language)
    reference = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), extensions=["jinja2.ext.i18n"],
                                   autoescape=jinja2.select_autoescape(["html"], default=False))
    reference.install_gettext_translations(templates.translations, newstyle=True)  # type: ignore[attr-defined]
    for suffix in (".html", ".txt"):
        expected = reference.get_template(f"probe{suffix}").render(text=text, value=value)
        assert templates.render(f"probe{suffix}", text=text, value=value) == expected
    assert templates.env.globals["_"] is not reference.globals["_"]  # the subject is ours, not the extension's
