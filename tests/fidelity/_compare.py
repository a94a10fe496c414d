"""How two answers to the same step are compared: status, the headers clients rely on, and
the body reduced to what must agree between two servers (JSON shapes, plus the values that
do not depend on ids, clocks or the server's other users).

Each difference has a location, ``status``, ``header:NAME`` or a JSON path such as
``$.assets.items[0].exifInfo.make``, so that the table of known differences can name it.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# Keys whose values, not just types, must agree: what a client reads and decides on. Every
# other scalar is compared by JSON type only (null versus absent always counts).
VALUE_KEYS = frozenset(
    {
        "message",
        "errors",
        "code",
        "path",
        "origin",
        "format",
        "status",
        "action",
        "reason",
        "success",
        "error",
        "id",
        "ids",
        "assetId",
        "assetIds",
        "albumId",
        "userId",
        "ownerId",
        "parentId",
        "livePhotoVideoId",
        "albumThumbnailAssetId",
        "albumName",
        "description",
        "originalFileName",
        "originalMimeType",
        "type",
        "isFavorite",
        "isArchived",
        "isTrashed",
        "isOffline",
        "visibility",
        "assetCount",
        "shared",
        "hasSharedLink",
        "role",
        "value",
        "count",
        "total",
        "images",
        "videos",
        "nextPage",
        "checksum",
        "fileSizeInByte",
        "allowDownload",
        "allowUpload",
        "showMetadata",
        "isAdmin",
        "res",
        "major",
        "minor",
        "patch",
        "authStatus",
        "successful",
        "order",
        "owned",
        "notShared",
    }
)
# Compared for presence (and as a number for binary bodies): their values follow the body.
HEADERS = (
    "content-type",
    "content-disposition",
    "content-length",
    "content-range",
    "accept-ranges",
)


@dataclass
class Labels:
    """Names for the ids a session created, so that "the JPEG's id" compares across servers."""

    names: dict[str, str] = field(default_factory=dict)

    def add(self, value: Any, name: str) -> None:
        if isinstance(value, str) and value:
            self.names[value] = name

    def of(self, value: str) -> str:
        if value in self.names:
            return f"<{self.names[value]}>"
        if UUID.match(value):
            return "<uuid>"
        return value


Projection = Callable[[Any, Labels], Any]


@dataclass
class Expect:
    """How a step's body is compared. ``loose`` merges list items into one shape and ignores
    list lengths (for server-wide lists that other users of the real server fill);
    ``unordered`` sorts lists first (where the API promises no order); ``bytes_equal``
    compares a binary body exactly; ``project`` rewrites the body before comparison."""

    loose: bool = False
    # Compares no values at all (server-wide figures that other users of the server change).
    shape_only: bool = False
    unordered: bool = False
    bytes_equal: bool = False
    values: frozenset[str] = frozenset()
    project: Projection | None = None


@dataclass
class Exchange:
    step: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    content: bytes
    expect: Expect

    @classmethod
    def of(cls, step: str, response: httpx.Response, expect: Expect) -> Exchange:
        headers = {name: response.headers[name] for name in HEADERS if name in response.headers}
        return cls(
            step=step,
            method=response.request.method,
            path=response.request.url.path,
            status=response.status_code,
            headers=headers,
            content=response.content,
            expect=expect,
        )

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        if self.media_type == "application/json" and self.content:
            return json.loads(self.content)
        if self.media_type == "application/jsonlines+json":
            return [json.loads(line) for line in self.content.splitlines() if line.strip()]
        return None


@dataclass(frozen=True)
class Difference:
    step: str
    location: str
    detail: str

    @property
    def key(self) -> str:
        return f"{self.step} {self.location}"

    def __str__(self) -> str:
        return f"{self.key}: {self.detail}"


def compare(
    real: Exchange, fake: Exchange, real_labels: Labels, fake_labels: Labels
) -> list[Difference]:
    """Every difference between two answers to one step; a different status says it all."""
    if real.status != fake.status:
        detail = f"real {real.status} {_excerpt(real)}, fake {fake.status} {_excerpt(fake)}"
        return [Difference(real.step, "status", detail)]
    found = [
        *_header_differences(real, fake),
        *_body_differences(real, fake, real_labels, fake_labels),
    ]
    return [Difference(real.step, location, detail) for location, detail in found]


def _excerpt(exchange: Exchange) -> str:
    text = exchange.content[:160].decode("utf-8", "replace")
    return repr(text) if text else "(empty)"


def _header_differences(real: Exchange, fake: Exchange) -> Iterable[tuple[str, str]]:
    binary = real.json() is None
    for name in HEADERS:
        left, right = real.headers.get(name), fake.headers.get(name)
        if left is None and right is None:
            continue
        if name == "content-type":
            left, right = _normal_content_type(left), _normal_content_type(right)
        elif name == "content-length" and not binary:
            # A JSON body's length follows its ids and timestamps, and the real server
            # compresses (chunked, no length) whatever is over 1 KiB.
            continue
        elif name == "content-length" and not real.expect.bytes_equal:
            left, right = _present(left), _present(right)
        if left != right:
            yield f"header:{name}", f"real {left!r}, fake {right!r}"


def _present(value: str | None) -> str | None:
    return None if value is None else "<present>"


def _normal_content_type(value: str | None) -> str | None:
    if value is None:
        return None
    parts = [part.strip().lower().replace(" ", "") for part in value.split(";")]
    return ";".join(part for part in parts if part)


def _body_differences(
    real: Exchange, fake: Exchange, real_labels: Labels, fake_labels: Labels
) -> Iterable[tuple[str, str]]:
    real_body, fake_body = real.json(), fake.json()
    if real_body is None or fake_body is None:
        yield from _binary_differences(real, fake)
        if (real_body is None) != (fake_body is None):
            yield "body", "JSON on one side only"
        return
    expect = real.expect
    if expect.project is not None:
        real_body = expect.project(real_body, real_labels)
        fake_body = expect.project(fake_body, fake_labels)
    values = frozenset({"message"}) if expect.shape_only else VALUE_KEYS | expect.values
    left = describe(real_body, real_labels, values, expect, keep=real.status >= 400)
    right = describe(fake_body, fake_labels, values, expect, keep=fake.status >= 400)
    yield from diff(left, right, "$")


def _binary_differences(real: Exchange, fake: Exchange) -> Iterable[tuple[str, str]]:
    if real.media_type == "application/zip" and fake.media_type == "application/zip":
        left, right = _zip_listing(real.content), _zip_listing(fake.content)
        if left != right:
            yield "zip", f"real {left}, fake {right}"
        return
    if real.expect.bytes_equal and real.content != fake.content:
        yield (
            "bytes",
            f"real {len(real.content)} bytes sha1 {_sha1(real.content)}, "
            f"fake {len(fake.content)} bytes sha1 {_sha1(fake.content)}",
        )
    elif bool(real.content) != bool(fake.content):
        yield "bytes", f"real {len(real.content)} bytes, fake {len(fake.content)} bytes"


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:12]


def _zip_listing(data: bytes) -> list[tuple[str, int]] | str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info.filename, info.file_size) for info in archive.infolist()]
    except zipfile.BadZipFile as error:
        return f"not a zip: {error}"


def json_type(value: Any) -> str:
    if value is None:
        return "<null>"
    if isinstance(value, bool):
        return "<boolean>"
    if isinstance(value, int | float):
        return "<number>"
    if isinstance(value, str):
        return "<string>"
    return f"<{type(value).__name__}>"


def describe(
    value: Any, labels: Labels, values: frozenset[str], expect: Expect, *, keep: bool = False
) -> Any:
    """The body as it is compared: containers kept, scalars replaced by their JSON type
    unless their key's value is compared (``keep``), ids replaced by their labels."""
    if isinstance(value, dict):
        return {
            key: describe(item, labels, values, expect, keep=keep or key in values)
            for key, item in value.items()
        }
    if isinstance(value, list):
        items = [describe(item, labels, values, expect, keep=keep) for item in value]
        if expect.unordered:
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        if expect.loose:
            return ["<any list>"] if not items else [_merge(items)]
        return items
    if not keep:
        return json_type(value)
    if isinstance(value, str):
        return labels.of(value)
    return value


def _merge(items: list[Any]) -> Any:
    """One shape for every item of a list: keys of all, types joined where they differ."""
    merged = items[0]
    for item in items[1:]:
        merged = _merge_two(merged, item)
    return merged


def _merge_two(left: Any, right: Any) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        keys = list(left) + [key for key in right if key not in left]
        return {
            key: _merge_two(left[key], right[key])
            if key in left and key in right
            else "<sometimes>"
            for key in keys
        }
    if isinstance(left, list) and isinstance(right, list):
        return left or right
    if left == right:
        return left
    return "<varies>"


def diff(left: Any, right: Any, path: str) -> Iterable[tuple[str, str]]:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in list(left) + [key for key in right if key not in left]:
            if key not in right:
                yield f"{path}.{key}", f"absent on the fake (real {_short(left[key])})"
            elif key not in left:
                yield f"{path}.{key}", f"absent on the real server (fake {_short(right[key])})"
            else:
                yield from diff(left[key], right[key], f"{path}.{key}")
        return
    if isinstance(left, list) and isinstance(right, list):
        if left == ["<any list>"] or right == ["<any list>"]:
            return
        if len(left) != len(right):
            yield path, f"real {len(left)} items, fake {len(right)} items"
        for index, (one, other) in enumerate(zip(left, right, strict=False)):
            yield from diff(one, other, f"{path}[{index}]")
        return
    if left != right and "<varies>" not in (left, right) and "<sometimes>" not in (left, right):
        yield path, f"real {_short(left)}, fake {_short(right)}"


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 120 else text[:117] + "..."
