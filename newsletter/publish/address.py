"""Where a publish goes: `sftp://user@host:port/path/` or `file:///path/`, read from `[publish] to` or `--to`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

SCHEMES = ("sftp", "file")
EXAMPLE = "sftp://user@example.eu/var/www/newsletter/ or file:///srv/www/newsletter/"


@dataclass(frozen=True, slots=True)
class PublishAddress:
    """A parsed publish URL. `path` is the folder on the target; for SFTP, one not starting
    with `/` is relative to the login folder (written `sftp://host/~/www/`)."""

    url: str
    scheme: str
    path: str
    host: str | None = None
    port: int | None = None
    user: str | None = None

    @property
    def shown(self) -> str:
        """The URL for messages (it never holds a password: those are refused)."""
        return self.url


def redacted(url: str) -> str:
    """The URL as messages show it: a password written in it replaced by `***`."""
    parts = urlsplit(url)
    try:
        password = parts.password
    except ValueError:
        return url
    if password is None:
        return url
    return url.replace(f":{parts.netloc.split('@')[0].split(':', 1)[1]}@", ":***@", 1)


def address_problem(url: str) -> str | None:
    """What is wrong with a publish URL, in words, or None."""
    try:
        parse_address(url)
    except ValueError as exc:
        return str(exc)
    return None


def parse_address(url: str) -> PublishAddress:
    """Parse a publish URL; ValueError says what is wrong with it."""
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise ValueError("it holds a line break or another control character")
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"it must start with sftp:// or file:// (got {parts.scheme or 'no scheme'})")
    if parts.query or parts.fragment:
        raise ValueError("it may not hold a query (?) or a fragment (#)")
    if parts.password is not None:
        raise ValueError("it may not hold a password; set NEWSLETTER_PUBLISH_PASSWORD instead")
    path = unquote(parts.path)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError("a file:// address names a folder on this computer: write file:///path/")
        if not path.startswith("/"):
            raise ValueError("the folder must be an absolute path: file:///srv/www/newsletter/")
        return PublishAddress(url, "file", str(Path(path)))
    if not parts.hostname:
        raise ValueError("it names no host: write sftp://user@host/path/")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("its port is not a number from 1 to 65535") from None
    if not path.startswith("/"):
        raise ValueError("the folder must be an absolute path (sftp://host/~/www/ for one under the home folder)")
    # `/~/www/` is `www/` in the login folder: SFTP resolves relative paths from there.
    remote = path[3:] if path.startswith("/~/") else ("." if path in ("/~", "/~/") else path)
    remote = remote.rstrip("/") or "/"
    return PublishAddress(url, "sftp", remote, parts.hostname, port, unquote(parts.username) if parts.username else None)
