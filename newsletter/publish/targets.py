"""Where files go: a folder on this computer (file://) or on a server (sftp://), behind one interface.

Every upload is atomic: the bytes go to a temporary name beside the file, then a rename puts them
in place, so a reader (or a publish that breaks off) never sees half a file.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Protocol

from newsletter.errors import PublishError
from newsletter.publish.address import PublishAddress
from newsletter.atomic import replace_file, sweep_temporary_files

Sent = Callable[[int], None]  # told the number of bytes each time a part of a file is sent


class Target(Protocol):
    address: PublishAddress

    async def read(self, path: str) -> bytes | None:
        """A file's bytes, or None when there is none."""

    async def write(self, path: str, source: Path | bytes, sent: Sent) -> None:
        """Put a file in place atomically, making its folders."""

    async def remove(self, path: str) -> None:
        """Remove a file; one that is already gone is no error."""

    async def remove_folder(self, path: str) -> None:
        """Remove a folder if it is empty; leave it otherwise."""

    async def clean_up(self, path: str) -> None:
        """Remove what an upload of `path` that broke off left beside it."""

    async def close(self) -> None: ...


class FileTarget:
    """A folder on this computer or a mounted share."""

    def __init__(self, address: PublishAddress):
        self.address = address
        self.root = Path(address.path)
        if not self.root.is_dir():
            raise PublishError(f"{address.shown}: the folder {self.root} does not exist",
                               hint="create it (or mount the share) first, or correct [publish] to")

    def _local(self, path: str) -> Path:
        return self.root.joinpath(*PurePosixPath(path).parts)

    async def read(self, path: str) -> bytes | None:
        try:
            return self._local(path).read_bytes()
        except FileNotFoundError:
            return None

    async def write(self, path: str, source: Path | bytes, sent: Sent) -> None:
        data = source if isinstance(source, bytes) else source.read_bytes()
        replace_file(self._local(path), data)  # the build's own atomic write: temporary name, then rename
        sent(len(data))

    async def remove(self, path: str) -> None:
        self._local(path).unlink(missing_ok=True)

    async def remove_folder(self, path: str) -> None:
        try:
            self._local(path).rmdir()
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT, errno.ENOTDIR):
                raise

    async def clean_up(self, path: str) -> None:
        sweep_temporary_files(self._local(path).parent)

    async def close(self) -> None:
        pass


async def open_target(address: PublishAddress, environ: Mapping[str, str]) -> Target:
    """Connect to the target an address names."""
    if address.scheme == "file":
        return FileTarget(address)
    from newsletter.publish.sftp import connect

    return await connect(address, environ.get("NEWSLETTER_PUBLISH_PASSWORD") or None)
