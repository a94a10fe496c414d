"""Binary responses read in chunks, so that memory stays flat whatever the size."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable
from email.message import Message
from pathlib import Path

import httpx

from immich._errors import IncompleteDownloadError
from immich._transfer.paths import claim, safe_filename

CHUNK_SIZE = 1 << 20
# Small chunks (httpcore reads 64 KiB at a time) are gathered into writes of this size:
# a sixteenth of the system calls, for a copy that costs less than they do.
WRITE_BUFFER = 1 << 20


class AsyncBinaryResponse:
    """A streamed response body. Iterate it, or write it to a file."""

    def __init__(self, response: httpx.Response) -> None:
        self.http = response

    @property
    def headers(self) -> httpx.Headers:
        return self.http.headers

    @property
    def content_type(self) -> str | None:
        value: str | None = self.http.headers.get("content-type")
        return value

    @property
    def content_length(self) -> int | None:
        """The size the server announced for the body on the wire, if it did."""
        value = self.http.headers.get("content-length")
        return int(value) if value and value.isdigit() else None

    @property
    def filename(self) -> str | None:
        """The file name the server suggested (Content-Disposition), made safe to use."""
        disposition = self.http.headers.get("content-disposition")
        if not disposition:
            return None
        message = Message()
        message["content-disposition"] = disposition
        name = message.get_filename()
        return safe_filename(str(name)) if name else None

    async def aiter_bytes(self, chunk_size: int | None = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The body in chunks of ``chunk_size`` bytes (the last one shorter), or with
        ``chunk_size=None`` as they arrive, which spares a copy of every byte. A body
        that breaks off, or ends before its Content-Length, raises
        :class:`IncompleteDownloadError` (an ``ImmichError``)."""
        encoded = bool(self.http.headers.get("content-encoding"))
        expected = None if encoded else self.content_length
        if chunk_size is None and not encoded and not self.http.is_stream_consumed:
            chunks = self.http.aiter_raw()  # nothing to decode: the transport's own chunks
        else:
            chunks = self.http.aiter_bytes(chunk_size)
        received = 0
        try:
            async for chunk in chunks:
                received += len(chunk)
                yield chunk
        except httpx.TransportError as exc:
            raise IncompleteDownloadError(
                f"the download broke off after {received} bytes: {type(exc).__name__}",
                request=self.http.request,
            ) from exc
        if expected is not None and received != expected:
            raise IncompleteDownloadError(
                f"the download stopped after {received} of {expected} bytes",
                request=self.http.request,
            )

    async def write_to(
        self,
        destination: str | os.PathLike[str],
        *,
        on_chunk: Callable[[int], None] | None = None,
    ) -> Path:
        """Stream the body to ``destination``: a file path (replaced if it exists), or a
        folder to put the server's file name in (never replacing a file already there: a
        taken name becomes ``name (2)``). The file only appears once every byte has
        arrived; a short body raises :class:`IncompleteDownloadError` and leaves nothing.
        ``on_chunk`` is called with the size of each chunk written (for progress)."""
        target = Path(destination)
        into_folder = target.is_dir()  # noqa: ASYNC240 - a stat call on local disk
        if into_folder:
            target = target / (self.filename or "download")
        partial = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            # open() rather than mkstemp(): the file gets the usual umask-based mode, not 0600.
            with open(partial, "xb", buffering=WRITE_BUFFER) as out:  # noqa: ASYNC230 - local disk, written chunk by chunk
                # As they arrive (up to 1 MiB): re-cutting them costs a copy.
                async for chunk in self.aiter_bytes(None):  # checks the length as it ends
                    out.write(chunk)
                    if on_chunk is not None:
                        on_chunk(len(chunk))
            if into_folder:
                target = claim(partial, target.parent, target.name)
            else:
                os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target
