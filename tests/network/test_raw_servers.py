"""Answers no server library would send, byte for byte from a loopback socket: the SDK
must read them as every maintained client does (httpx's own transport and aiohttp agree
on each of these, except where a test says otherwise)."""

from __future__ import annotations

import json
import time

import pytest

from immich import APIConnectionError, APITimeoutError
from tests.network.conftest import SDK
from tests.network.rawserver import RawServer, Stall, response

ASSET = "00000000-0000-4000-8000-000000000001"
JPEG = b"\xff\xd8\xff\xe0" + b"photo bytes " * 100
JSON = b"Content-Type: application/json"


def version(patch: int) -> bytes:
    """A ``ServerVersionResponseDto``; the patch number tells the answers apart."""
    return json.dumps({"major": 3, "minor": 0, "patch": patch}).encode()


def patches(sdk: SDK, client: object, calls: int = 2) -> list[int]:
    return [sdk.run(client.server.get_server_version()).patch for _ in range(calls)]  # type: ignore[attr-defined]


def test_an_early_hints_answer_before_the_real_one_is_skipped(sdk: SDK) -> None:
    """``103 Early Hints`` is informational: the answer is the 200 after it, and the next
    call gets its own answer, not the previous one's."""

    def answer(index: int, head: bytes) -> bytes:
        hints = b"HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n"
        return hints + response(version(index + 1), headers=[JSON])

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=5)
        assert patches(sdk, client, 3) == [1, 2, 3]


def test_header_bytes_beyond_ascii_are_read(sdk: SDK) -> None:
    """Servers put UTF-8 file names (or Latin-1 bytes) in headers; HTTP says to read
    them as opaque bytes, not to crash."""

    def answer(index: int, head: bytes) -> bytes:
        odd = [
            b"X-Note: caf\xe9",
            b'Content-Disposition: attachment; filename="\xc3\xa9t\xc3\xa9.jpg"',
        ]
        if b"/original" in head.split(b"\r\n", 1)[0]:
            return response(JPEG, headers=[b"Content-Type: image/jpeg", *odd])
        return response(version(index + 1), headers=[JSON, *odd])

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=5)
        assert sdk.run(client.server.get_server_version()).patch == 1
        assert sdk.run(client.assets.download_asset(ASSET)) == JPEG
        assert sdk.run(client.server.get_server_version()).patch == 3


@pytest.mark.parametrize("where", ["before the head", "in the body"])
def test_a_stalled_answer_is_a_timeout(sdk: SDK, where: str) -> None:
    def answer(index: int, head: bytes) -> Stall:
        if where == "before the head":
            return Stall()
        return Stall(
            b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n"
            + JPEG[:100]
        )

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            sdk.run(client.assets.download_asset(ASSET))
        assert time.monotonic() - started < 5


def test_an_obs_folded_header_is_unfolded(sdk: SDK) -> None:
    """RFC 9112 5.2: a client that receives an obs-fold replaces it with spaces."""

    def answer(index: int, head: bytes) -> bytes:
        return response(version(index + 1), headers=[JSON, b"X-Folded: first", b"  second"])

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=5)
        got = sdk.run(client.with_response(client.server.get_server_version))
        assert got.parsed.patch == 1
        assert got.headers["x-folded"].split() == ["first", "second"]
        assert sdk.run(client.server.get_server_version()).patch == 2


def test_a_header_line_without_a_colon_is_refused_at_once(sdk: SDK) -> None:
    """Both httpx ("illegal header line") and aiohttp ("Invalid header token") refuse it:
    a connection error straight away, not a wait for a timeout."""

    def answer(index: int, head: bytes) -> bytes:
        return response(version(index + 1), headers=[JSON, b"this line has no colon"])

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=2)
        with pytest.raises(APIConnectionError) as caught:
            sdk.run(client.server.get_server_version())
        assert not isinstance(caught.value, APITimeoutError), caught.value


def test_a_head_with_bare_line_feeds_is_read(sdk: SDK) -> None:
    """Lines ended by LF alone (no CR): httpx and aiohttp both read them."""

    def answer(index: int, head: bytes) -> bytes:
        return response(version(index + 1), headers=[JSON], eol=b"\n")

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=2)
        assert patches(sdk, client) == [1, 2]


def test_content_length_with_chunked_transfer_encoding_is_never_read_by_the_length(
    sdk: SDK,
) -> None:
    """RFC 9112 6.3: Transfer-Encoding overrides Content-Length, and such a message "ought
    to be handled as an error". httpx reads it chunked; aiohttp refuses it. Either is
    right; reading 5 bytes by the Content-Length (or waiting) is not."""
    body = version(1)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)

    def answer(index: int, head: bytes) -> bytes:
        headers = [JSON, b"Content-Length: 5", b"Transfer-Encoding: chunked"]
        return response(chunked, headers=headers, length=False)

    with RawServer(answer, close=True) as url:
        client = sdk.client(url, max_retries=0, timeout=2)
        outcome: object
        try:
            outcome = sdk.run(client.server.get_server_version()).patch
        except APIConnectionError as exc:
            outcome = exc
        refused = isinstance(outcome, APIConnectionError)
        assert outcome == 1 or (refused and not isinstance(outcome, APITimeoutError)), outcome


def test_two_different_content_lengths_are_refused_at_once(sdk: SDK) -> None:
    """httpx ("conflicting Content-Length headers") and aiohttp ("Duplicate
    Content-Length") both refuse the answer: which length frames the body is unknown."""

    def answer(index: int, head: bytes) -> bytes:
        body = version(index + 1)
        return response(body, headers=[JSON, b"Content-Length: %d" % (len(body) + 3)])

    with RawServer(answer) as url:
        client = sdk.client(url, max_retries=0, timeout=2)
        with pytest.raises(APIConnectionError) as caught:
            sdk.run(client.server.get_server_version())
        assert not isinstance(caught.value, APITimeoutError), caught.value
