"""Publishing over SFTP with asyncssh, the way the user's own `ssh` connects.

asyncssh reads `~/.ssh/config` (Host aliases, HostName, Port, User, IdentityFile, ProxyJump),
uses the agent at SSH_AUTH_SOCK and the default keys, and checks the server against
`~/.ssh/known_hosts`, refusing a host it does not know. Paramiko would need each of those applied
by hand (its SSHConfig is only a parser, and it has no ProxyJump), so asyncssh it is.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from pathlib import Path
from typing import Any, TYPE_CHECKING

import asyncssh

from newsletter.errors import PublishError
from newsletter.publish.address import PublishAddress

if TYPE_CHECKING:  # targets.py opens this module when it needs it
    from newsletter.publish.targets import Sent

_CHUNK = 1 << 16
_PASSWORD_HINT = "add your key to the agent (ssh-add), or set NEWSLETTER_PUBLISH_PASSWORD to the password or key passphrase"


def temp_name(path: str) -> str:
    """Where an upload of `path` is written before its rename: beside it, hidden, and the same each time,
    so the next publish finds what one that broke off left behind."""
    folder, name = posixpath.split(path)
    return posixpath.join(folder, f".newsletter-upload-{hashlib.sha256(name.encode()).hexdigest()[:16]}.tmp")


class SftpTarget:
    """A folder on a server reached over SSH."""

    def __init__(self, address: PublishAddress, connection: asyncssh.SSHClientConnection, sftp: asyncssh.SFTPClient):
        self.address, self.connection, self.sftp = address, connection, sftp
        self.made: set[str] = set()

    def _remote(self, path: str) -> str:
        return posixpath.join(self.address.path, path)

    async def read(self, path: str) -> bytes | None:
        try:
            async with self.sftp.open(self._remote(path), "rb") as stream:
                data = await stream.read()
        except asyncssh.SFTPNoSuchFile:
            return None
        except asyncssh.SFTPError as exc:
            raise _refused(self.address, path, exc) from None
        return data if isinstance(data, bytes) else data.encode()

    async def write(self, path: str, source: Path | bytes, sent: Sent) -> None:
        remote = self._remote(path)
        temp = temp_name(remote)
        try:
            await self._make_folders(posixpath.dirname(path))
            async with self.sftp.open(temp, "wb") as stream:
                if isinstance(source, bytes):
                    await stream.write(source)
                    sent(len(source))
                else:
                    with source.open("rb") as local:
                        while chunk := local.read(_CHUNK):
                            await stream.write(chunk)
                            sent(len(chunk))
            await self.sftp.chmod(temp, 0o644)
            await self._rename(temp, remote)
        except asyncssh.SFTPError as exc:
            raise _refused(self.address, path, exc) from None

    async def _rename(self, temp: str, remote: str) -> None:
        # SFTP's plain rename refuses to replace a file; OpenSSH's posix-rename replaces it atomically.
        try:
            await self.sftp.posix_rename(temp, remote)
        except asyncssh.SFTPOpUnsupported:  # a server without the extension: a moment without the file
            if await self.sftp.exists(remote):
                await self.sftp.remove(remote)
            await self.sftp.rename(temp, remote)

    async def _make_folders(self, folder: str) -> None:
        if not folder or folder in self.made:
            return
        await self.sftp.makedirs(self._remote(folder), exist_ok=True)
        self.made.add(folder)

    async def remove(self, path: str) -> None:
        try:
            await self.sftp.remove(self._remote(path))
        except asyncssh.SFTPNoSuchFile:
            pass
        except asyncssh.SFTPError as exc:
            raise _refused(self.address, path, exc) from None

    async def remove_folder(self, path: str) -> None:
        try:
            await self.sftp.rmdir(self._remote(path))
        except asyncssh.SFTPError:
            pass  # not empty (a file of someone else's), or gone: either way it stays as it is

    async def clean_up(self, path: str) -> None:
        await self.remove(posixpath.relpath(temp_name(self._remote(path)), self.address.path))

    async def close(self) -> None:
        self.sftp.exit()
        self.connection.close()
        await self.connection.wait_closed()


async def connect(address: PublishAddress, password: str | None) -> SftpTarget:
    """Log in as the user's `ssh` would and open the target folder; every failure is one line."""
    options: dict[str, Any] = {}
    if address.port is not None:
        options["port"] = address.port
    if address.user is not None:
        options["username"] = address.user
    if password is not None:
        options["password"] = password
        options["passphrase"] = password
    host = address.host or ""
    try:
        connection = await asyncssh.connect(host, **options)
    except asyncssh.HostKeyNotVerifiable:
        port = f"-p {address.port} " if address.port else ""
        raise PublishError(
            f"{address.shown}: the server's host key is not in ~/.ssh/known_hosts (or does not match it), so it "
            "cannot be told from an impostor",
            hint=f"if you trust this server, run: ssh-keyscan {port}{host} >> ~/.ssh/known_hosts") from None
    except asyncssh.PermissionDenied:
        raise PublishError(f"{address.shown}: the server refused the login", hint=_PASSWORD_HINT) from None
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as exc:
        raise PublishError(f"{address.shown}: your SSH key cannot be read ({exc})", hint=_PASSWORD_HINT) from None
    except (OSError, asyncssh.Error) as exc:
        raise PublishError(f"{address.shown}: cannot connect ({_reason(exc)})",
                           hint="check the host name and port in [publish] to, and that the server is up") from None
    try:
        sftp = await connection.start_sftp_client()
        if not await sftp.isdir(address.path):
            raise PublishError(f"{address.shown}: the folder {address.path} does not exist on the server",
                               hint="create it first, or correct the path in [publish] to")
    except BaseException:
        connection.close()
        raise
    return SftpTarget(address, connection, sftp)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncssh.Error):
        return exc.reason
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)  # asyncio words a refused connection "Connect call failed (...)"
    return str(exc) or type(exc).__name__


def _refused(address: PublishAddress, path: str, exc: asyncssh.SFTPError) -> PublishError:
    return PublishError(f"{address.shown}: the server refused {path} ({exc.reason})",
                        hint="check that your user may write to the folder on the server")

