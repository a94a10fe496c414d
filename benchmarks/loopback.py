"""A deliberately fast HTTP/1.1 server on loopback for per-call and transfer figures.

It runs in its own process (so it does not compete with the client under test for the
GIL) and answers a handful of Immich routes from memory with keep-alive:

- ``GET /api/server/version``: a small JSON object
- ``GET /api/assets/{id}``: one AssetResponseDto
- ``GET /api/assets/{id}/original``: as many bytes as the id's last 12 hex digits say
  (a repeating pattern), streamed: ``asset_id(200 << 20)`` names a 200 MiB original
- ``POST /api/assets``: reads and counts the body, answers 201
- ``GET /api/_stats``: bytes received in upload bodies so far (to check transfers)

``python benchmarks/loopback.py`` prints the port it listens on, then serves until killed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import uuid
from urllib.parse import urlsplit

CHUNK = 1 << 20
PATTERN = bytes(range(256)) * (CHUNK // 256)


def asset_id(size: int) -> str:
    """The id of an original of ``size`` bytes."""
    return f"00000000-0000-4000-8000-{size:012x}"


def original_sha1(size: int) -> str:
    """The hex SHA-1 of the original ``asset_id(size)`` names."""
    digest = hashlib.sha1()
    for offset in range(0, size, CHUNK):
        digest.update(PATTERN[: min(CHUNK, size - offset)])
    return digest.hexdigest()


def sample_asset(index: int = 0) -> dict[str, object]:
    stamp = "2024-05-01T10:00:00.000Z"
    return {
        "id": str(uuid.UUID(int=index + 1, version=4)),
        "checksum": "qUqP5cyxm6YcTAhz05Hph5gvu9M=",
        "createdAt": stamp,
        "duration": None,
        "fileCreatedAt": stamp,
        "fileModifiedAt": stamp,
        "hasMetadata": True,
        "height": 3000,
        "width": 4000,
        "isArchived": False,
        "isFavorite": index % 7 == 0,
        "isOffline": False,
        "isTrashed": False,
        "isEdited": False,
        "localDateTime": stamp,
        "originalFileName": f"IMG_{index:05d}.jpg",
        "originalMimeType": "image/jpeg",
        "originalPath": f"/data/library/IMG_{index:05d}.jpg",
        "ownerId": "b5f2e1b4-3a0c-4a4e-9b61-0f1d2c3b4a59",
        "thumbhash": "1QcSHQRnh493V4dIh4eXh1h4kJUI",
        "type": "IMAGE",
        "updatedAt": stamp,
        "visibility": "timeline",
        "livePhotoVideoId": None,
        "duplicateId": None,
        "people": [],
        "tags": [],
    }


RECEIVED = {"bytes": 0, "uploads": 0}
VERSION = json.dumps({"major": 3, "minor": 0, "patch": 3, "prerelease": None}).encode()
ASSET = json.dumps(sample_asset()).encode()


class Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = b""
        self.body_left = 0
        self.body_size = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.set_write_buffer_limits(high=8 * CHUNK)
        self.writable = asyncio.Event()  # asyncio's flow control: cleared while the socket is full
        self.writable.set()

    def pause_writing(self) -> None:
        self.writable.clear()

    def resume_writing(self) -> None:
        self.writable.set()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.body_left:
                take = self.buffer[: self.body_left]
                self.buffer = self.buffer[self.body_left :]
                self.body_left -= len(take)
                if self.body_left:
                    return
                self.finish_upload()
                continue
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            self.buffer = rest
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {
                k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])
            }
            length = int(headers.get("content-length", "0"))
            if length:
                self.body_left = self.body_size = length
                continue
            self.respond(method, target)

    def finish_upload(self) -> None:
        RECEIVED["bytes"] += self.body_size
        RECEIVED["uploads"] += 1
        self.send(201, json.dumps({"id": str(uuid.uuid4()), "status": "created"}).encode())

    def respond(self, method: str, target: str) -> None:
        url = urlsplit(target)
        path = url.path
        if path == "/api/server/version":
            self.send(200, VERSION)
        elif path == "/api/_stats":
            self.send(200, json.dumps(RECEIVED).encode())
        elif path.startswith("/api/assets/") and path.endswith("/original"):
            self.stream(int(path.split("/")[3][-12:], 16))
        elif path.startswith("/api/assets/") and path.count("/") == 3:
            self.send(200, ASSET)
        else:
            self.send(404, b'{"message":"Not Found","statusCode":404}')

    def send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        assert self.transport is not None
        reason = {200: "OK", 201: "Created", 404: "Not Found"}[status]
        self.transport.write(
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: {content_type}\r\n"
            f"content-length: {len(body)}\r\n\r\n".encode()
            + body
        )

    def stream(self, size: int) -> None:
        assert self.transport is not None
        self.transport.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
            + f"content-length: {size}\r\n\r\n".encode()
        )
        asyncio.get_running_loop().create_task(self._write_body(size))

    async def _write_body(self, size: int) -> None:
        assert self.transport is not None
        view = memoryview(PATTERN)
        while size > 0:
            part = view[: min(size, CHUNK)]
            self.transport.write(part)
            size -= len(part)
            await self.writable.wait()  # keeps the server's memory flat


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Connection, "127.0.0.1", port, backlog=512)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
