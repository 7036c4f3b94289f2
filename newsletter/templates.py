"""Theme templates: the project's templates/ first, then the default theme inside the package."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from newsletter.confine import inside
from newsletter.errors import SourceLocation, TemplateError

THEME_DIR = Path(__file__).parent / "theme"
_AUTOESCAPED = (".html", ".mjml", ".xml", ".svg")


class Templates:
    """Find and render templates; every Jinja failure becomes a one-line TemplateError."""

    def __init__(self, project_templates: Path | None = None, globals: dict[str, Any] | None = None):
        theme = jinja2.FileSystemLoader(str(THEME_DIR))
        loaders: list[jinja2.BaseLoader] = []
        self.search_path = [str(THEME_DIR)]
        if project_templates is not None and project_templates.is_dir():
            loaders.append(_ProjectLoader(project_templates))
            self.search_path.insert(0, str(project_templates))
        # "default:" reaches the packaged theme, so an override can extend the file it replaces.
        loaders += [jinja2.PrefixLoader({"default": theme}, delimiter=":"), theme]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=jinja2.select_autoescape(enabled_extensions=[e[1:] for e in _AUTOESCAPED],
                                                default_for_string=False, default=False),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            # One environment serves one build: no need to stat a template file each time it is used.
            auto_reload=False,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(longdate=longdate, isodate=isodate)
        self.env.globals.update(globals or {})

    def render(self, name: str, **context: Any) -> str:
        """Render a theme file by name with the given context."""
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(
                f"template '{exc.name}' not found", hint=f"looked in {', '.join(self.search_path)}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"template syntax error: {exc.message}",
                                SourceLocation(Path(exc.filename or exc.name or name), exc.lineno),
                                "fix the template at that line") from None
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"template '{name}' uses an undefined value ({exc.message})",
                                SourceLocation(Path(name)), "check the variable names against the default theme") from None

    def exists(self, name: str) -> bool:
        """Tell whether a template of that name is found anywhere on the search path."""
        try:
            self.env.get_template(name)
        except jinja2.TemplateNotFound:
            return False
        return True


class _ProjectLoader(jinja2.FileSystemLoader):
    """The project's templates/ folder; a file there that links out of the project is refused."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        if path.is_file() and not inside(self.folder.parent, path):
            raise TemplateError(f"the template is a link to {path.resolve()}, outside the project",
                                SourceLocation(Path(self.folder.name, template)),
                                "copy the file into templates/ instead of linking to it")
        return super().get_source(environment, template)


def longdate(value: date | datetime) -> str:
    """Format a date the way people write it: 7 December 2023."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def isodate(value: date | datetime) -> str:
    """ISO 8601, with the offset for datetimes."""
    return value.isoformat()
