"""Theme templates: the project's templates/ first, then the default theme inside the package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from jinja2.nodes import EvalContext
from markupsafe import Markup

from newsletter.confine import inside
from newsletter.dates import date_range, isodate, longdate
from newsletter.errors import NewsletterError, SourceLocation, TemplateError
from newsletter.languages import language_name, text_direction, translations

THEME_DIR = Path(__file__).parent / "theme"
_AUTOESCAPED = (".html", ".mjml", ".xml", ".svg")


def _translate(gettext: Callable[[str], str]) -> Callable[..., str]:
    """`_()` in a template: the i18n extension's newstyle gettext, in one call where the extension makes three.

    The extension's `_` looks `gettext` up in the context and calls it, which calls the catalogue, each through
    the context (a tenth of the time of composing a social post). The result is the same: the text translated,
    marked safe where the template escapes, with `%(name)s` filled from the keyword arguments."""
    @jinja2.pass_eval_context
    def translate(eval_context: EvalContext, string: str, **variables: Any) -> str:
        translated = gettext(string)
        if eval_context.autoescape:
            translated = Markup(translated)
        return translated % variables  # a format string even without variables, as the extension's

    return translate


class Templates:
    """Find and render templates; every Jinja failure becomes a one-line TemplateError."""

    def __init__(self, project_templates: Path | None = None, globals: dict[str, Any] | None = None,
                 language: str = "en", cache_dir: Path | None = None):
        theme = jinja2.FileSystemLoader(str(THEME_DIR))
        loaders: list[jinja2.BaseLoader] = []
        self.project_templates = project_templates
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
            extensions=["jinja2.ext.i18n"],
        )
        self.language = language
        self.globals = globals or {}
        self.cache_dir = cache_dir
        self._languages: dict[str, Templates] = {}
        self._project_shaped: dict[str, bool] = {}
        self._any_project_file: bool | None = None
        if cache_dir is not None:
            from newsletter.cache.templates import TemplateCache

            self.env.bytecode_cache = TemplateCache(cache_dir, self.env)
        # `{% trans %}` blocks are written across lines in the theme: their whitespace is layout, not text.
        self.env.policies["ext.i18n.trimmed"] = True
        self.translations = translations(language, project_templates)
        self.env.install_gettext_translations(self.translations, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals["_"] = _translate(self.translations.gettext)
        self.env.filters.update(
            longdate=lambda value: longdate(value, language),
            isodate=isodate,
            daterange=lambda start, end: date_range(start, end, language),
            language_name=language_name,
        )
        self.env.globals.update(self.globals, language=language, text_direction=text_direction(language))

    def for_language(self, language: str) -> Templates:
        """The same templates, writing the theme's strings and dates in `language`."""
        if language == self.language:
            return self
        if language not in self._languages:  # made once: every channel asks, and the preview asks on every save
            self._languages[language] = Templates(self.project_templates, self.globals, language, self.cache_dir)
        return self._languages[language]

    def uses_project_files(self, name: str) -> bool:
        """Whether the project's own template files take part in rendering `name`: it, or a template it
        extends, includes or imports, at any depth (also when a name is computed and cannot be told)."""
        if name not in self._project_shaped:
            self._project_shaped[name] = self._has_project_files() and self._uses_project_files(name, set())
        return self._project_shaped[name]

    def _has_project_files(self) -> bool:
        """Whether the project's templates/ folder has any file: without one, no template need be read."""
        if self._any_project_file is None:
            folder = self.project_templates
            self._any_project_file = folder is not None and any(path.is_file() for path in folder.rglob("*"))
        return self._any_project_file

    def _uses_project_files(self, name: str, seen: set[str]) -> bool:
        if name in seen:
            return False
        seen.add(name)
        plain = name.removeprefix("default:")  # "default:" always reaches the packaged theme
        if plain == name and self.project_templates is not None and (self.project_templates / plain).is_file():
            return True
        assert self.env.loader is not None
        try:
            source = self.env.loader.get_source(self.env, name)[0]
            references = list(jinja2.meta.find_referenced_templates(self.env.parse(source)))
        except jinja2.TemplateNotFound:
            return False  # rendering it will say so
        except (jinja2.TemplateSyntaxError, OSError, UnicodeDecodeError):
            return True  # nothing remembered for it; rendering it will say what is wrong
        return any(reference is None or self._uses_project_files(reference, seen) for reference in references)

    def gettext(self, message: str) -> str:
        """A theme string in the templates' language (for the few strings Python code writes)."""
        return str(self.translations.gettext(message))

    def render(self, name: str, **context: Any) -> str:
        """Render a theme file by name with the given context."""
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateNotFound as exc:
            where = self._failed_at(exc)
            raise TemplateError(f"template '{exc.name}' not found", where[0] if where else None,
                                f"looked in {', '.join(self.search_path)}") from None
        except jinja2.TemplateSyntaxError as exc:
            location = SourceLocation(self.shown(exc.filename) if exc.filename else Path(exc.name or name), exc.lineno)
            raise TemplateError(f"template syntax error: {exc.message}", location, "fix the template at that line") from None
        except NewsletterError:
            raise  # from a helper the template called, with its own location
        except Exception as exc:
            # A template the project wrote, or a bug of the theme: either way, the template's file and line.
            where = self._failed_at(exc)
            if where is None:
                raise
            what = exc.message if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
            hint = ("check the names it uses against the default theme's file of the same name" if where[1]
                    else "the default theme failed on this project: run with --traceback and report it")
            raise TemplateError(f"template '{name}' failed ({what})", where[0], hint) from exc

    def shown(self, filename: str) -> Path:
        """A template file as messages name it: relative to the project when it is one of the project's."""
        path = Path(filename)
        if self.project_templates is not None and path.is_relative_to(self.project_templates):
            return path.relative_to(self.project_templates.parent)
        return path

    def file_of(self, name: str) -> Path:
        """The file a template name resolves to, as messages name it."""
        return self.shown(self.env.get_template(name).filename or name)

    def overrides(self, folder: str) -> list[Path]:
        """The project's own template files below `folder` (e.g. `email`), as messages name them."""
        if self.project_templates is None or not (self.project_templates / folder).is_dir():
            return []
        return [self.shown(str(path)) for path in sorted((self.project_templates / folder).rglob("*")) if path.is_file()]

    def _failed_at(self, exc: BaseException) -> tuple[SourceLocation, bool] | None:
        """The innermost template line in the traceback (Jinja puts each template's file and line there),
        and whether that template is the project's own."""
        found = None
        trace = exc.__traceback__
        while trace is not None:
            path = Path(trace.tb_frame.f_code.co_filename)
            own = self.project_templates is not None and path.is_relative_to(self.project_templates)
            if own or path.is_relative_to(THEME_DIR):
                found = (SourceLocation(self.shown(str(path)), trace.tb_lineno), own)
            trace = trace.tb_next
        return found

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
