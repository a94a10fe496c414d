"""The streaming multipart parser, fed bodies cut at every awkward place."""

from __future__ import annotations

import httpx
import pytest

from immich.testing._multipart import MultipartError, boundary_of, parse_multipart


class Collected:
    def __init__(self) -> None:
        self.data = bytearray()
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.data += data
        self.writes += 1


def encoded(files: dict[str, tuple[str, bytes, str]], data: dict[str, str]) -> tuple[bytes, str]:
    request = httpx.Request("POST", "http://x/", files=files, data=data)
    return request.read(), request.headers["content-type"]


def cut(body: bytes, size: int) -> list[bytes]:
    return [body[offset : offset + size] for offset in range(0, len(body), size)]


# Data that looks like the start of a delimiter, to trip a naive search.
TRICKY = b"\r\n--\r\n-" + b"\r\n--abc" * 50 + b"end"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 17, 64, 4096, 1 << 20])
def test_parses_fields_and_files_across_chunk_boundaries(chunk_size: int) -> None:
    body, content_type = encoded(
        {
            "assetData": ("photo été.jpg", TRICKY, "image/jpeg"),
            "sidecarData": ("a.xmp", b"<x/>", "text/xml"),
        },
        {"fileCreatedAt": "2024-01-01T00:00:00Z", "empty": ""},
    )
    form = parse_multipart(cut(body, chunk_size), boundary_of(content_type), lambda *_: Collected())
    assert form.fields == {"fileCreatedAt": "2024-01-01T00:00:00Z", "empty": ""}
    asset = form.files["assetData"]
    assert (asset.filename, asset.content_type) == ("photo été.jpg", "image/jpeg")
    assert bytes(asset.sink.data) == TRICKY
    assert bytes(form.files["sidecarData"].sink.data) == b"<x/>"


def test_large_file_streams_in_pieces() -> None:
    payload = bytes(range(256)) * 8192
    body, content_type = encoded(
        {"assetData": ("big.bin", payload, "application/octet-stream")}, {}
    )
    sinks: list[Collected] = []

    def open_file(*_: str) -> Collected:
        sinks.append(Collected())
        return sinks[-1]

    parse_multipart(cut(body, 65536), boundary_of(content_type), open_file)
    assert bytes(sinks[0].data) == payload
    assert sinks[0].writes > 10


def test_preamble_and_epilogue_are_ignored() -> None:
    body = (
        b"preamble text\r\n--b\r\n"
        b'Content-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--b--\r\nepilogue'
    )
    form = parse_multipart([body], b"b", lambda *_: Collected())
    assert form.fields == {"a": "value"}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
        b"--b\r\nno blank line after headers",
        b"--b\r\nContent-Type: text/plain\r\n\r\nno name\r\n--b--",
    ],
)
def test_malformed_bodies_raise(body: bytes) -> None:
    with pytest.raises(MultipartError):
        parse_multipart([body], b"b", lambda *_: Collected())


@pytest.mark.parametrize("content_type", [None, "application/json", "multipart/form-data"])
def test_boundary_is_required(content_type: str | None) -> None:
    with pytest.raises(MultipartError):
        boundary_of(content_type)
