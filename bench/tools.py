"""The three site generators under test: how to find, install and run each."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PELICAN_REQUIREMENT = "pelican[markdown]>=4.9"


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command to run, where, and with which environment."""

    argv: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=lambda: user_environment())


def user_environment() -> dict[str, str]:
    """This process's environment as a user's shell has it: Python writes and reuses compiled modules.

    A sandbox or CI that sets PYTHONDONTWRITEBYTECODE would make every newsletter run compile its
    own modules again, which no installed copy does."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def newsletter_base() -> list[str]:
    """Return the argv prefix that runs the newsletter CLI of this interpreter's environment."""
    script = Path(sys.executable).parent / "newsletter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "newsletter"]


@dataclass(frozen=True, slots=True)
class NewsletterCli:
    """What this checkout's `newsletter build` accepts."""

    base: list[str]
    has_no_cache: bool

    @classmethod
    def probe(cls) -> NewsletterCli | str:
        """Return the CLI, or why it cannot build."""
        base = newsletter_base()
        try:
            result = subprocess.run([*base, "build", "--help"], capture_output=True, text=True, timeout=60)
        except OSError as error:
            return f"cannot run {' '.join(base)}: {error}"
        if result.returncode != 0:
            first = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"`newsletter build --help` failed: {first[0]}"
        return cls(base=base, has_no_cache="--no-cache" in result.stdout)

    def build(self, project: Path, out: Path, *, cold: bool) -> Invocation:
        """Return the build of `project` into `out`; a cold one bypasses every cache."""
        argv = [*self.base, "build", "--out", str(out)]
        if cold and self.has_no_cache:
            argv.append("--no-cache")
        if cold:
            shutil.rmtree(project / ".newsletter-cache", ignore_errors=True)
        # The project is found from the working folder, as a user runs it.
        return Invocation(argv=argv, cwd=project)

    def help(self, project: Path) -> Invocation:
        """Return `newsletter --help`."""
        return Invocation(argv=[*self.base, "--help"], cwd=project)


def stop_server(project: Path) -> None:
    """Stop the build server a rebuild of `project` left, so that it holds no memory through what follows."""
    from newsletter.buildserver.client import stop

    stop(project.resolve())


def hugo_missing() -> str | None:
    """Return how to install Hugo when it is not on PATH."""
    if shutil.which("hugo"):
        return None
    return "hugo not found; install it with `sudo apt-get install -y hugo` (or see https://gohugo.io/installation/)"


def hugo_build(project: Path, out: Path, cache: Path) -> Invocation:
    """Return a Hugo build with its own empty cache folder."""
    shutil.rmtree(cache, ignore_errors=True)
    argv = ["hugo", "--quiet", "--source", str(project), "--destination", str(out), "--cacheDir", str(cache)]
    return Invocation(argv=argv, cwd=project)


def pelican_missing() -> str | None:
    """Return how to install Pelican when this interpreter cannot import it."""
    if importlib.util.find_spec("pelican") and importlib.util.find_spec("markdown"):
        return None
    return f"pelican not importable; install it with `{sys.executable} -m pip install '{PELICAN_REQUIREMENT}'` or `pip install -e '.[bench]'`"


def pelican_build(project: Path, out: Path) -> Invocation:
    """Return a Pelican build of the generated site."""
    argv = [sys.executable, "-m", "pelican", "content", "--settings", "pelicanconf.py", "--output", str(out), "--quiet"]
    return Invocation(argv=argv, cwd=project)


def pelican_version() -> str:
    from importlib.metadata import version

    return version("pelican")


def hugo_version() -> str:
    result = subprocess.run(["hugo", "version"], capture_output=True, text=True)
    return result.stdout.split()[1] if result.returncode == 0 else "?"


def install_missing() -> None:
    """Install Hugo (apt, as root) and Pelican (pip, this interpreter) where missing."""
    if hugo_missing():
        if os.geteuid() == 0 and shutil.which("apt-get"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True)
        else:
            print(hugo_missing(), file=sys.stderr)
    if pelican_missing():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", PELICAN_REQUIREMENT], check=True)
