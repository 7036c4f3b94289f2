"""`newsletter check`'s `publish-stale`: the published site holds an older build than the one made now.

Offline, `check` knows what this computer last published (a copy of the target's record kept in
`.newsletter-cache/`) and reads a file:// target's record in place; with `--online` it reads the
record from an SFTP target too, so a colleague's publish counts.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from newsletter.cache import CACHE_DIR
from newsletter.diagnostics import Diagnostic, warning
from newsletter.errors import PublishError
from newsletter.publish.address import PublishAddress, parse_address
from newsletter.publish.record import RECORD, Record, last_publish, parse_record, remember_publish
from newsletter.publish.targets import open_target
from newsletter.outputs import Output
from newsletter.settings.load import Settings
from newsletter.site import Site

_SEND_HINT = "run newsletter publish before you send, so the email's links and images show this build"


def check_published(site: Site, outputs: Sequence[Output]) -> list[Diagnostic]:
    """A warning when the target's record (or this computer's copy of it) differs from the outputs made now."""
    address = _address(site.settings)
    if address is None or site.as_of != datetime.now(site.settings.project.tz).date():
        return []  # `check --as-of` renders another day's build than the one a publish uploads
    record = _local_record(site.root, address)
    if record is None:
        return []  # never published from here, and nothing else known
    where = site.settings.where("publish.to")
    if record.pending:
        return [warning("publish-stale", where, f"the last publish to {address.shown} broke off: the site holds "
                        "part of a build", "run newsletter publish to finish it before you send")]
    made = {output.path.as_posix(): hashlib.sha256(output.data).hexdigest() for output in outputs}
    differ = sorted(path for path, digest in made.items() if record.files.get(path) != digest)
    if not differ:
        return []
    more = f" and {len(differ) - 1} more" if len(differ) > 1 else ""
    return [warning("publish-stale", where, f"the site at {address.shown} holds an older build: {differ[0]}{more} "
                    "differ from what a build makes now", _SEND_HINT)]


def fetch_publish_record(root: Path, settings: Settings) -> list[Diagnostic]:
    """Read the target's record (for `check --online`) into this computer's copy; a warning when it can't be read."""
    address = _address(settings)
    if address is None or address.scheme == "file":
        return []
    try:
        data = asyncio.run(_read_record(address))
    except PublishError as exc:
        return [warning("publish-unreachable", settings.where("publish.to"),
                        f"cannot read what was published: {exc.message}",
                        "publish-stale is judged from this computer's last publish")]
    if data is not None:
        remember_publish(root / CACHE_DIR, address.shown, parse_record(data))
    return []


async def _read_record(address: PublishAddress) -> bytes | None:
    target = await open_target(address, os.environ)
    try:
        return await target.read(RECORD)
    finally:
        await target.close()


def _address(settings: Settings) -> PublishAddress | None:
    return parse_address(settings.publish.to) if settings.publish.to else None


def _local_record(root: Path, address: PublishAddress) -> Record | None:
    if address.scheme == "file":  # on this computer: the target's own record, whoever published
        try:
            return parse_record((Path(address.path) / RECORD).read_bytes())
        except OSError:
            return None
    return last_publish(root / CACHE_DIR, address.shown)
