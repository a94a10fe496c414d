"""``prepare()`` builds a request's URL without parsing it; it must be httpx's URL exactly."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immich import _operations as ops
from immich._request import Prepared, prepare

ROOTS = [
    "http://immich.local:2283/api/",
    "https://photos.example.com/api/",
    "http://127.0.0.1:36309/api/",
    "http://[::1]:8080/api/",
    "https://example.com/some%20where/api/",
    "http://user:secret@example.com/api/",
    "https://bücher.example/api/",  # an IDN: httpx writes it in punycode
    "http://example.com/api",  # no trailing slash
    "http://example.com/api/?x=1",
    "http://example.com/a%2fb/api/",  # a lowercase escape, which httpx leaves as it is
]


HTTP = httpx.Client()


def prepared(root: str, operation: Any, **arguments: Any) -> Prepared:
    result = prepare(HTTP, root, operation, **arguments)
    assert result is not None
    return result


def check_as_httpx(result: Prepared, expected: httpx.URL) -> None:
    assert result.target == str(expected)
    assert result.url == expected
    assert result.path == expected.raw_path.decode("ascii")
    port = expected.port or {"http": 80, "https": 443}[expected.scheme]
    assert result.origin == (expected.scheme, expected.host, port)
    assert result.request().url == expected
    assert dict(result.headers)["host"] == expected.netloc.decode("ascii")


@pytest.mark.parametrize("root", ROOTS)
def test_url_without_parameters_is_httpx_s(root: str) -> None:
    result = prepared(root, ops.GET_SERVER_VERSION)
    check_as_httpx(result, httpx.URL(root + "server/version"))


@pytest.mark.parametrize("root", ROOTS)
@given(asset_id=st.text(min_size=1).filter(lambda text: text not in (".", "..")))
@settings(max_examples=40, deadline=None)
def test_url_with_a_path_parameter_is_httpx_s(root: str, asset_id: str) -> None:
    result = prepared(root, ops.DOWNLOAD_ASSET, path={"id": asset_id})
    expected = httpx.URL(root + f"assets/{quote(asset_id, safe='')}/original")
    check_as_httpx(result, expected)


@pytest.mark.parametrize("root", ROOTS[:4])
def test_url_with_query_parameters_is_httpx_s(root: str) -> None:
    query = {"key": "a b&c", "slug": "ü", "edited": True}
    result = prepared(root, ops.DOWNLOAD_ASSET, path={"id": "x"}, query=query)
    expected = httpx.URL(
        root + "assets/x/original", params={"key": "a b&c", "slug": "ü", "edited": "true"}
    )
    check_as_httpx(result, expected)


def test_the_parsed_url_is_made_only_when_asked_for() -> None:
    result = prepared(ROOTS[0], ops.DOWNLOAD_ASSET, path={"id": "abc"})
    assert result._url is None
    assert result.url == httpx.URL(ROOTS[0] + "assets/abc/original")
    assert result.url is result.url
