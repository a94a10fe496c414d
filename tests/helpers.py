"""Shared helpers for the client tests (both trees) and the plain ones.

Everything here works for both ``httpx.Client`` and ``httpx.AsyncClient``, so the
tests in ``tests/_async`` can use it and their unasync'd copies in ``tests/_sync`` too.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx

BASE_URL = "http://localhost:2283"
API = f"{BASE_URL}/api"
#: Recognisable secrets: a test fails if one of them turns up where it must not.
API_KEY = "sk-test-SECRET-api-key-7f3a9c"
ACCESS_TOKEN = "tok-SECRET-session-token-1b2c3d"
PASSWORD = "hunter2-SECRET-password"

SERVER_VERSION = {"major": 3, "minor": 0, "patch": 3, "prerelease": None}

ASSET_ID = "0b2f6a5e-9a43-4c6c-9a1e-0c6f3f9b1d2a"
OWNER_ID = "7d8c2f1e-3b4a-4e5f-8a9b-1c2d3e4f5a6b"

Answer = Any  # httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def asset_json(**overrides: Any) -> dict[str, Any]:
    """An ``AssetResponseDto`` as a 3.0.3 server sends it (wire names)."""
    data: dict[str, Any] = {
        "checksum": "qUqP5cyxm6YcTAhz05Hph5gvu9M=",
        "createdAt": "2024-05-01T10:11:12.345Z",
        "duration": None,
        "fileCreatedAt": "2024-04-30T09:00:00.000Z",
        "fileModifiedAt": "2024-04-30T09:00:00.000Z",
        "hasMetadata": True,
        "height": 3000,
        "id": ASSET_ID,
        "isArchived": False,
        "isEdited": False,
        "isFavorite": True,
        "isOffline": False,
        "isTrashed": False,
        "localDateTime": "2024-04-30T11:00:00.000Z",
        "originalFileName": "IMG_0001.jpg",
        "originalPath": "/data/library/admin/IMG_0001.jpg",
        "ownerId": OWNER_ID,
        "thumbhash": None,
        "type": "IMAGE",
        "updatedAt": "2024-05-01T10:11:12.345Z",
        "visibility": "timeline",
        "width": 4000,
    }
    data.update(overrides)
    return data


def person_json(index: int) -> dict[str, Any]:
    return {
        "birthDate": None,
        "id": f"00000000-0000-4000-8000-{index:012d}",
        "isHidden": False,
        "name": f"Person {index}",
        "thumbnailPath": f"/thumbs/{index}.jpg",
    }


def login_json(token: str = ACCESS_TOKEN) -> dict[str, Any]:
    return {
        "accessToken": token,
        "isAdmin": True,
        "isOnboarded": True,
        "name": "Admin",
        "profileImagePath": "",
        "shouldChangePassword": False,
        "userEmail": "admin@example.com",
        "userId": OWNER_ID,
    }


def user_admin_json() -> dict[str, Any]:
    return {
        "avatarColor": "primary",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "deletedAt": None,
        "email": "admin@example.com",
        "id": OWNER_ID,
        "isAdmin": True,
        "license": None,
        "name": "Admin",
        "oauthId": "",
        "profileChangedAt": "2024-01-01T00:00:00.000Z",
        "profileImagePath": "",
        "quotaSizeInBytes": None,
        "quotaUsageInBytes": 0,
        "shouldChangePassword": False,
        "status": "active",
        "storageLabel": None,
        "updatedAt": "2024-01-01T00:00:00.000Z",
    }


def album_json(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "albumName": "Trip",
        "albumThumbnailAssetId": None,
        "albumUsers": [],
        "assetCount": 0,
        "createdAt": "2024-01-01T00:00:00.000Z",
        "description": "",
        "hasSharedLink": False,
        "id": "5b7c9d1e-2f3a-4b5c-8d6e-7f8091a2b3c4",
        "isActivityEnabled": True,
        "ownerId": OWNER_ID,
        "shared": False,
        "updatedAt": "2024-01-01T00:00:00.000Z",
    }
    data.update(overrides)
    return data


def shared_link_json(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "allowDownload": True,
        "allowUpload": False,
        "assets": [],
        "createdAt": "2024-01-01T00:00:00.000Z",
        "description": None,
        "expiresAt": None,
        "id": "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "key": "shared-link-key",
        "password": None,
        "showMetadata": True,
        "slug": None,
        "type": "INDIVIDUAL",
        "userId": OWNER_ID,
    }
    data.update(overrides)
    return data


class FakeServer:
    """An httpx mock handler that answers from a script and records what it was sent.

    ``answers`` are used in order, the last one for every request after that. An answer
    is an ``httpx.Response`` (copied on each use), an exception to raise, or a callable
    taking the request. ``GET /api/server/version`` is answered with 3.0.3 (the
    client may ask it before calling newer endpoints) unless ``auto_version`` is False;
    those requests are kept apart in
    ``version_requests`` so that ``requests`` holds only the calls under test.
    """

    def __init__(self, *answers: Answer, auto_version: bool = True) -> None:
        self.answers = list(answers) or [httpx.Response(200, json={})]
        self.auto_version = auto_version
        self.requests: list[httpx.Request] = []
        self.version_requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if (
            self.auto_version
            and request.method == "GET"
            and request.url.path == "/api/server/version"
        ):
            self.version_requests.append(request)
            return httpx.Response(200, json=SERVER_VERSION)
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, httpx.Response):
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=answer.content
            )
        return answer(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def json_body(request: httpx.Request) -> Any:
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


@attrs.frozen
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def multipart_parts(request: httpx.Request) -> dict[str, Part]:
    """The parts of a multipart/form-data request body, by field name."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert message.is_multipart()
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[name] = Part(
            name=name,
            filename=part.get_filename(),
            content_type=part.get("content-type"),
            data=part.get_payload(decode=True),
        )
    return parts


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body of ``total`` bytes made on the fly, for either kind of client.

    The same chunk object is yielded again and again, so the stream itself allocates
    nothing however large the body.
    """

    def __init__(self, total: int, chunk_size: int = 1 << 20, fill: bytes = b"\xab") -> None:
        self.total = total
        self.chunk = fill * chunk_size
        self.sent = 0

    def _chunks(self) -> Iterator[bytes]:
        remaining = self.total
        while remaining > 0:
            chunk = self.chunk if remaining >= len(self.chunk) else self.chunk[:remaining]
            remaining -= len(chunk)
            self.sent += len(chunk)
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


class SinkTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A transport that reads each request body chunk by chunk, as a socket would.

    Unlike ``httpx.MockTransport`` it never holds a whole body: it counts the bytes, and
    keeps them only when ``keep_bodies`` is set. ``statuses`` are answered in order
    (the last one repeated) with ``answer_json`` as the body.
    """

    def __init__(
        self,
        *statuses: int,
        answer_json: Any = None,
        keep_bodies: bool = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.statuses = list(statuses) or [200]
        self.answer_json = answer_json if answer_json is not None else {}
        self.keep_bodies = keep_bodies
        self.requests: list[httpx.Request] = []
        self.sizes: list[int] = []
        self.bodies: list[bytes] = []
        self.largest_chunk = 0
        self.headers = headers or {}

    def _received(self, request: httpx.Request, chunks: list[bytes], size: int) -> httpx.Response:
        if request.url.path == "/api/server/version":
            return httpx.Response(200, json=SERVER_VERSION)
        self.requests.append(request)
        self.sizes.append(size)
        self.bodies.append(b"".join(chunks))
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        return httpx.Response(status, json=self.answer_json, headers=self.headers)

    def _take(self, chunk: bytes, chunks: list[bytes]) -> int:
        self.largest_chunk = max(self.largest_chunk, len(chunk))
        if self.keep_bodies:
            chunks.append(bytes(chunk))
        return len(chunk)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        chunks: list[bytes] = []
        size = sum(self._take(chunk, chunks) for chunk in request.stream)  # type: ignore[union-attr]
        return self._received(request, chunks, size)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream:  # type: ignore[union-attr]
            size += self._take(chunk, chunks)
        return self._received(request, chunks, size)


def names_in(folder: Path) -> list[str]:
    """The sorted names of the files in a folder (hidden ones too: partial downloads)."""
    return sorted(p.name for p in folder.iterdir())


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


def run_python(code: str) -> str:
    """``code`` (dedented) run in a fresh interpreter with no proxy variables: its
    standard output."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "NO_PROXY": "*"},
    )
    return done.stdout.strip()
