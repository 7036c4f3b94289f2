"""Whole generated projects: every build succeeds or fails in one line, and what it writes holds up.

Hypothesis draws whole projects (`tests/strategies.py`): settings with every optional table and key
on or off, items of every type, Unicode and hostile text in every field, odd file names, real
images, dates across years and time zones, issues with and without `items:`. Each project is built
(twice) and checked, then one fault a user could make is added to it and it is built and checked
again; the kinds of fault are taken in turn, so every run tries each. Every invariant is recorded:

- build:         a fault-free project builds (library and CLI); a failing build prints one line
- fault:         a fault stops the build with one line naming its file, or `check` reports it there,
                 and a failed build leaves content/ and the previous output/ as they were
- check:         a fault-free project passes `newsletter check` (no errors)
- untouched:     nothing outside output/ and .newsletter-cache/ is written, touched or removed (TreeWatch)
- links:         every href/src/link of every output under site_url (or relative) is a file the
                 build wrote; every `cid:` in an .eml is one of its parts (tests/outputs.py)
- urls:          every URL of every output is percent-encoded (ASCII, no spaces) so it parses everywhere
- html:          every web page is valid per the W3C Nu checker (one Java call for the whole run)
- feeds:         RSS and Atom parse with feedparser without bozo
- json-feed:     feed.json is JSON Feed 1.1 (required keys, absolute URLs, RFC 3339 dates)
- deterministic: a second build into a fresh folder, without the cache (through the CLI) or with
                 the warm cache (every other project), is byte-identical to the first
- text-edit:     after a paragraph is added to every item's text, a build with the cache is byte-identical
                 to one without it (every other project)
- hostile:       no script, event handler or javascript: URL reaches a page or email, templates
                 never evaluate content, no header is injected into the .eml
- csv:           no CSV cell starts with = + - @ or a tab/CR (OWASP CSV injection)
- leak:          no file from outside the project reaches output/

Every violation fails its invariant's test, with the smallest failing project for reproduction.

Profiles (environment variable HYPOTHESIS_PROFILE), counted in projects per kind of fault (29 kinds):
- `fuzz-ci` (default): 1, each kind with its own fixed seed, so CI sees the same 29 projects on every
  run (about 45 s of builds plus one Nu checker call on a quiet 2-core machine).
- `long`: 15 random projects per kind (435, about 15 minutes), to run by hand:
  `HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -p no:cacheprovider tests/test_fuzz_projects.py`
To shrink one invariant's violation to a minimal project, name it in FUZZ_SHRINK, e.g.
`FUZZ_SHRINK=links HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_projects.py -x`:
the exploration then fails on it and Hypothesis prints the smallest project it finds.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import json
import os
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path, PurePosixPath
from unittest import mock
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, assume, given, seed, settings
from hypothesis import strategies as st

from newsletter.build import BuildOptions, build_project
from newsletter.check import check_project
from newsletter.cli import cli
from newsletter.diagnostics import Severity
from newsletter.errors import NewsletterError
from newsletter.settings.load import load_settings
from tests.conftest import TreeWatch, tree_bytes
from tests.outputs import is_valid_url, link_faults, output_urls
from tests.strategies import FAULT_KINDS, JINJA_RESULT, OUTSIDE_SECRET, PLAIN_FAULTS, Fault, ProjectSpec, projects
from tests.validators import nu_errors

# max_examples counts projects per kind of fault (29 kinds).
PROFILES = {
    "fuzz-ci": settings(max_examples=1, database=None, deadline=None, phases=[Phase.generate],
                        print_blob=False, suppress_health_check=list(HealthCheck)),
    "long": settings(max_examples=15, database=None, deadline=None, phases=[Phase.generate],
                     suppress_health_check=list(HealthCheck)),
}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci")
FUZZ_SETTINGS = PROFILES.get(PROFILE, PROFILES["fuzz-ci"])
SHRINK = os.environ.get("FUZZ_SHRINK")

UNTOUCHED_DIRS = ("output", ".newsletter-cache")
EML_HEADERS = {"subject", "from", "to", "reply-to", "date", "message-id", "mime-version", "content-type",
               "list-unsubscribe", "list-unsubscribe-post", "x-mailer", "content-transfer-encoding"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Violation:
    """One invariant broken by one generated project."""

    invariant: str
    message: str
    example: int
    spec: ProjectSpec = field(repr=False, compare=False)

    def __str__(self) -> str:
        return f"[example {self.example}] {self.invariant}: {self.message}"


# Running one project -------------------------------------------------------------------------

@dataclass
class Outcome:
    """What a build (library or CLI) did: ok, a NewsletterError's line, or a crash."""

    status: str  # "ok", "error", "crash"
    message: str = ""


def run_build(root: Path, spec: ProjectSpec, **options: object) -> Outcome:
    try:
        build_project(root, BuildOptions(as_of=spec.as_of, **options))  # type: ignore[arg-type]
    except NewsletterError as exc:
        return Outcome("error", str(exc))
    except Exception:  # noqa: BLE001 - a crash is what this records
        return Outcome("crash", traceback.format_exc(limit=-3))
    return Outcome("ok")


def run_cli(*args: str) -> tuple[Outcome, int]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text = "".join(traceback.format_exception(result.exception, limit=-3))
        return Outcome("crash", text), result.exit_code
    if result.exit_code == 0:
        return Outcome("ok"), 0
    return Outcome("error", result.stderr), result.exit_code


class Example:
    """One generated project on disk, explored once; every invariant it breaks is a Violation."""

    def __init__(self, spec: ProjectSpec, index: int, folder: Path, nu_dir: Path):
        self.spec, self.index, self.folder, self.nu_dir = spec, index, folder, nu_dir
        self.parent = folder / "parent"
        self.root = self.parent / "project"
        self.output = self.root / "output"
        self.violations: list[Violation] = []
        self.pages: list[Path] = []

    def fail(self, invariant: str, message: str) -> None:
        self.violations.append(Violation(invariant, message, self.index, self.spec))

    def explore(self) -> None:
        self.spec.write(self.root)
        (self.parent / "neighbour.txt").write_text("a file beside the project\n", encoding="utf-8")
        (self.folder / "spec.txt").write_text(repr(self.spec), encoding="utf-8")
        watch = TreeWatch(self.root)
        built = self.explore_build()
        if changes := watch.changes():
            self.fail("untouched", "build or check changed files outside output/: " + ", ".join(changes[:5]))
        if built:
            self.explore_outputs()
            if self.index % 2 == 1:  # as the warm-cache builds: every other project
                self.explore_text_edit()
        if self.spec.fault is not None:
            self.explore_fault(self.spec.fault, built)

    def explore_build(self) -> bool:
        """Build a fault-free project three ways, compare them, and check it."""
        first = run_build(self.root, self.spec)
        if first.status != "ok":
            self.fail("build", f"a fault-free project did not build: {first.message.strip()}")
            return False
        # The second build alternates: without the cache through the CLI, or with the warm cache.
        second = self.folder / "second-output"
        if self.index % 2 == 0:
            how = "without the cache (CLI)"
            again, _code = run_cli("--project", str(self.root), "build", "--out", str(second), "--no-cache",
                                   "--as-of", self.spec.as_of.isoformat())
        else:
            how = "with the warm cache"
            again = run_build(self.root, self.spec, out_dir=second)
        if again.status != "ok":
            self.fail("build", f"a second build {how} failed: {again.message.strip()}")
        elif (reference := tree_bytes(self.output)) != (other := tree_bytes(second)):
            differing = sorted(k for k in reference.keys() | other.keys() if reference.get(k) != other.get(k))
            self.fail("deterministic", f"a build {how} differs from the first in: {', '.join(differing[:6])}")
        try:
            findings = check_project(self.root, as_of=self.spec.as_of)
        except Exception:  # noqa: BLE001
            self.fail("check", "check crashed: " + traceback.format_exc(limit=-3))
        else:
            # Brand colours are drawn at random: whether they read well is low-contrast's own test.
            errors = [f for f in findings if f.severity is Severity.ERROR and f.code != "low-contrast"]
            for finding in errors:
                self.fail("check", f"fault-free project: {finding}")
        return True

    def explore_text_edit(self) -> None:
        """A paragraph added to every item's text: a build with the cache writes what one without it writes.

        Much of what lists items (emails, issue and tag pages, social sheets) is remembered by the items
        without their text; this is where a key that leaves out something shown would give a stale file."""
        for path in sorted((self.root / "content" / "news").glob("*.md")):
            with path.open("a", encoding="utf-8") as stream:
                stream.write("\n\nA closing paragraph, with [a link](https://example.org/more).\n")
        cached, cold = self.folder / "edited-cached", self.folder / "edited-cold"
        for outcome in (run_build(self.root, self.spec, out_dir=cached),
                        run_build(self.root, self.spec, out_dir=cold, use_cache=False)):
            if outcome.status != "ok":
                self.fail("build", f"a build after an edit of the items' text failed: {outcome.message.strip()}")
                return
        if (reference := tree_bytes(cold)) != (other := tree_bytes(cached)):
            differing = sorted(k for k in reference.keys() | other.keys() if reference.get(k) != other.get(k))
            self.fail("text-edit", f"after an edit of the items' text, the cached build differs in: "
                                   f"{', '.join(differing[:6])}")

    def explore_outputs(self) -> None:
        files = tree_bytes(self.output)
        for relative, data in files.items():
            if JINJA_RESULT.encode() in data:
                self.fail("hostile", f"{relative}: a template evaluated Jinja syntax from content")
            if OUTSIDE_SECRET in data or b"root:x:0:0:" in data:
                self.fail("leak", f"{relative}: holds a file from outside the project")
            suffix = PurePosixPath(relative).suffix
            if suffix == ".html":
                self.check_html(relative, data, hostile_only=relative.endswith("email.html"))
            elif suffix == ".xml":
                parsed = feedparser.parse(data)
                if parsed.bozo:
                    self.fail("feeds", f"{relative}: {parsed.bozo_exception}")
            elif relative == "feed.json":
                self.check_json_feed(data)
            elif suffix == ".eml":
                self.check_eml(relative, data)
            elif suffix == ".csv":
                self.check_csv(relative, data)
        # The site's address as the build writes it (a host in another script in its DNS form).
        site_url = load_settings(self.root).project.site_url
        try:
            urls = list(output_urls(files, site_url))
            faults = link_faults(files, site_url)
        except (AssertionError, ValueError, lxml.etree.XMLSyntaxError) as exc:  # JSON and XML errors are ValueErrors
            self.fail("feeds", f"an output does not parse: {exc}")
            return
        for relative, written, url in urls:
            if not is_valid_url(url):
                self.fail("urls", f"{relative}: URL {written!r} is not percent-encoded ASCII ({url!r})")
        for relative, url in faults:
            self.fail("links", f"{relative}: {url!r} names no file the build wrote, or leaves site_url")

    def check_html(self, relative: str, data: bytes, hostile_only: bool) -> None:
        document = lxml.html.document_fromstring(data)
        for element in document.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag in ("script", "iframe", "object", "embed"):
                self.fail("hostile", f"{relative}: a <{element.tag}> element")
            for name, value in element.attrib.items():
                if name.lower().startswith("on"):
                    self.fail("hostile", f"{relative}: an event handler {name}={value!r} on <{element.tag}>")
                if name in ("href", "src") and urlsplit(value.strip()).scheme.lower() in ("javascript", "vbscript", "data"):
                    self.fail("hostile", f"{relative}: <{element.tag} {name}={value[:60]!r}>")
        if not hostile_only and relative.endswith("index.html"):
            # Copied now, under a name that says whose page it is: a later build may remove it.
            page = self.nu_dir / f"ex{self.index:03d}--{relative.replace('/', '--')}"
            page.write_bytes(data)
            self.pages.append(page)

    def check_json_feed(self, data: bytes) -> None:
        feed = json.loads(data)
        problems = []
        if feed.get("version") != "https://jsonfeed.org/version/1.1":
            problems.append(f"version is {feed.get('version')!r}")
        if not isinstance(feed.get("title"), str) or not feed["title"]:
            problems.append("no title")
        if not isinstance(feed.get("items"), list):
            problems.append("no items list")
        for key in ("home_page_url", "feed_url", "icon", "favicon"):
            if key in feed and not absolute(feed[key]):
                problems.append(f"{key} {feed[key]!r} is not absolute")
        for author in feed.get("authors", []):
            if not (set(author) & {"name", "url", "avatar"}):
                problems.append("an author with neither name, url nor avatar")
        for item in feed.get("items", []):
            if not isinstance(item.get("id"), str) or not item["id"]:
                problems.append(f"item without a text id: {item.get('id')!r}")
            if "content_html" not in item and "content_text" not in item:
                problems.append(f"item {item.get('id')} has neither content_html nor content_text")
            for key in ("url", "external_url", "image", "banner_image"):
                if key in item and not absolute(item[key]):
                    problems.append(f"item {item.get('id')} {key} {item[key]!r} is not absolute")
            for key in ("date_published", "date_modified"):
                if key in item and not rfc3339(item[key]):
                    problems.append(f"item {item.get('id')} {key} {item[key]!r} is not RFC 3339")
        for problem in problems:
            self.fail("json-feed", problem)

    def check_eml(self, relative: str, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        for name in message.keys():
            if name.lower() not in EML_HEADERS:
                self.fail("hostile", f"{relative}: unexpected header {name!r} (injected?)")
        for part in message.walk():
            payload = part.get_payload(decode=True) if not part.is_multipart() else None
            if payload and (OUTSIDE_SECRET in payload or b"root:x:0:0:" in payload):
                self.fail("leak", f"{relative}: a part holds a file from outside the project")

    def check_csv(self, relative: str, data: bytes) -> None:
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
            for cell in row:
                if cell.startswith(FORMULA_STARTS):
                    self.fail("csv", f"{relative}: cell starts with {cell[:1]!r}: {cell[:40]!r}")

    def explore_fault(self, fault: Fault, built: bool) -> None:
        """Make the fault, build and check again; the error must be one line naming the file."""
        previous = tree_bytes(self.output) if self.output.is_dir() else None
        for relative, data in fault.files.items():
            target = self.root / relative
            if data is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if fault.kind == "symlink-out":
            (self.parent / "secret.png").write_bytes(OUTSIDE_SECRET)
            link = self.root / fault.path
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path("../../../secret.png"))
        if fault.kind == "tampered-manifest" and (self.output / "manifest.json").is_file():
            manifest = json.loads((self.output / "manifest.json").read_text("utf-8"))
            news = sorted((self.root / "content" / "news").glob("*.md"))[0].name
            for victim in ("../../neighbour.txt", f"../content/news/{news}", "../newsletter.toml"):
                manifest["files"].append({"path": victim, "kind": "web-page", "sha256": "0" * 64, "size": 1})
            (self.output / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
            previous = tree_bytes(self.output)
        watch = TreeWatch(self.root)
        cli_build, code = run_cli("--project", str(self.root), "build", "--as-of", self.spec.as_of.isoformat())
        where = f"fault {fault.kind} in {fault.path}"
        if cli_build.status == "crash":
            self.fail("fault", f"{where}: the build crashed: {cli_build.message.strip()[-400:]}")
        if cli_build.status == "error":
            lines = cli_build.message.strip().splitlines()
            if code not in (1, 2) or len(lines) != 1 or not lines[0].startswith("error: "):
                self.fail("fault", f"{where}: the CLI said (exit {code}): {cli_build.message.strip()[:300]!r}")
            elif built and fault.expect in ("build", "check") and not names(lines[0], fault):
                self.fail("fault", f"{where}: the error names another file: {lines[0][:300]}")
        failed = cli_build.status != "ok"
        if changes := watch.changes():
            self.fail("untouched", f"{where}: the build changed files outside output/: {', '.join(changes[:5])}")
        if failed and previous is not None and tree_bytes(self.output) != previous:
            self.fail("fault", f"{where}: the failed build changed the previous output/")
        if not failed and self.output.is_dir():
            self.explore_outputs_after_fault()
        try:
            findings = check_project(self.root, as_of=self.spec.as_of)
        except Exception:  # noqa: BLE001
            self.fail("fault", f"{where}: check crashed: {traceback.format_exc(limit=-3)[-400:]}")
            return
        if not built:
            return  # the project did not build without the fault either: the rest would blame the fault
        if fault.expect == "build" and not failed:
            self.fail("fault", f"{where}: the build went on; the SPEC asks it to stop with one line")
        if fault.expect in ("build", "check"):
            # Brand colours are drawn at random: whether they read well is low-contrast's own test.
            errors = [f for f in findings if f.severity is Severity.ERROR and f.code != "low-contrast"]
            if not any(f.where is not None and names(str(f.where), fault) for f in errors):
                shown = "; ".join(str(f) for f in errors[:2]) or "no error"
                self.fail("fault", f"{where}: check reports no error at that file ({shown})")

    def explore_outputs_after_fault(self) -> None:
        """A build that went on despite the fault must still not leak or run anything."""
        for path in self.output.rglob("*"):
            if path.is_file() and (OUTSIDE_SECRET in path.read_bytes() or b"root:x:0:0:" in path.read_bytes()):
                self.fail("leak", f"{path.relative_to(self.output)}: holds a file from outside the project")
            if path.suffix == ".eml":
                self.check_eml(path.relative_to(self.output).as_posix(), path.read_bytes())


def names(line: str, fault: Fault) -> bool:
    accepted = [fault.path, *fault.files, *fault.also]
    return any(path in line for path in accepted)


def absolute(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def rfc3339(text: object) -> bool:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# The run: every example, once per module -----------------------------------------------------

@dataclass
class FuzzRun:
    folder: Path
    examples: list[Example] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [v for example in self.examples for v in example.violations]

    @property
    def nu_dir(self) -> Path:
        (self.folder / "nu").mkdir(exist_ok=True)
        return self.folder / "nu"

    @cached_property
    def html_violations(self) -> list[Violation]:
        """Every web page of every example through one call of the Nu checker."""
        owner = {page.name: example for example in self.examples for page in example.pages}
        found = []
        for error in nu_errors(sorted(page for example in self.examples for page in example.pages)):
            example = owner[error.split(":", 1)[0]]
            found.append(Violation("html", error, example.index, example.spec))
        return found


@pytest.fixture(scope="module")
def fuzz_run(tmp_path_factory: pytest.TempPathFactory) -> FuzzRun:
    return explore_projects(tmp_path_factory.mktemp("fuzz"))


@contextmanager
def no_local_constants() -> Iterator[None]:
    """Keep Hypothesis from mixing literals of the loaded modules into what it draws.

    Hypothesis draws, now and then, a constant found in the source of local modules that are
    loaded; which those are depends on which other test modules ran first, so the same seed would
    give another corpus in the whole suite than in this module alone.
    """
    try:
        from hypothesis.internal.conjecture import providers
        empty = type(providers._local_constants)()
        cache = providers.CONSTANTS_CACHE
    except (ImportError, AttributeError):  # another Hypothesis: nothing to do
        yield
        return
    cache.cache.clear()
    with mock.patch.object(providers, "_get_local_constants", lambda: empty):
        yield
    cache.cache.clear()


def explore_projects(folder: Path) -> FuzzRun:
    """Explore `max_examples` generated projects for each kind of fault, so that every kind is tried."""
    with no_local_constants():
        return _explore_projects(folder)


def _explore_projects(folder: Path) -> FuzzRun:
    run = FuzzRun(folder)
    for index, kind in enumerate(FAULT_KINDS):

        @given(spec=projects(fault=kind, hostile=kind not in PLAIN_FAULTS), salt=st.integers(0, 2**32))
        def explore(spec: ProjectSpec, salt: int) -> None:
            assume(salt != 0)  # Hypothesis tries the simplest project first; one per kind is enough
            folder = run.folder / f"ex{len(run.examples):03d}"
            folder.mkdir()
            example = Example(spec, len(run.examples), folder, run.nu_dir)
            run.examples.append(example)
            example.explore()
            if SHRINK:
                shown = [str(v) for v in example.violations if v.invariant == SHRINK]
                assert not shown, "\n".join(shown)

        explore = FUZZ_SETTINGS(explore)
        if PROFILE == "fuzz-ci":
            explore = seed(index)(explore)
        if SHRINK:
            explore = settings(FUZZ_SETTINGS, phases=list(Phase))(explore)
        explore()
    return run


def report(violations: list[Violation]) -> str:
    """The violations, grouped by example, with the smallest example's files for reproduction."""
    if not violations:
        return ""
    lines = [str(v)[:600] for v in violations[:20]]
    smallest = min(violations, key=lambda v: len(repr(v.spec)))
    lines.append(f"\nsmallest failing project (example {smallest.example}):\n{smallest.spec!r}"[:6000])
    return "\n".join(lines)


def broken(violations: list[Violation], invariant: str) -> list[Violation]:
    return [v for v in violations if v.invariant == invariant]


# The invariants ------------------------------------------------------------------------------

def test_the_run_explores_enough_projects(fuzz_run: FuzzRun) -> None:
    built = [example for example in fuzz_run.examples if example.pages]
    faults = {example.spec.fault.kind for example in fuzz_run.examples if example.spec.fault}
    assert len(fuzz_run.examples) >= len(FAULT_KINDS) * FUZZ_SETTINGS.max_examples
    assert len(built) >= len(fuzz_run.examples) // 2, "too few generated projects built to test their outputs"
    assert faults == set(FAULT_KINDS)


INVARIANTS = ["build", "fault", "check", "untouched", "links", "urls", "feeds", "json-feed", "deterministic",
              "text-edit", "hostile", "csv", "leak"]


@pytest.mark.parametrize("invariant", INVARIANTS)
def test_invariant_holds(fuzz_run: FuzzRun, invariant: str) -> None:
    assert not (found := broken(fuzz_run.violations, invariant)), report(found)


def test_every_web_page_is_valid_html(fuzz_run: FuzzRun) -> None:
    assert not (found := broken(fuzz_run.html_violations, "html")), report(found)
