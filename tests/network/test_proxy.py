"""Both clients through tinyproxy: HTTPS by CONNECT and plain HTTP by absolute URI, the
proxy named by the environment or set explicitly. tinyproxy's log shows that the
requests did go through it."""

from __future__ import annotations

import ssl

import pytest

from tests.faults.support import Certificates
from tests.network.conftest import SDK, Nginx, Tinyproxy


def through_proxy(nginx: Nginx, scheme: str) -> tuple[str, str]:
    """The server URL and what tinyproxy logs for a version call to it."""
    if scheme == "https":
        return nginx.https, f"CONNECT 127.0.0.1:{nginx.https_port} "
    return nginx.http, f"GET {nginx.http}/api/server/version "


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_the_proxy_named_by_the_environment_is_used(
    sdk: SDK,
    nginx: Nginx,
    tinyproxy: Tinyproxy,
    certificates: Certificates,
    monkeypatch: pytest.MonkeyPatch,
    scheme: str,
) -> None:
    monkeypatch.setenv(f"{scheme.upper()}_PROXY", tinyproxy.url)
    url, logged = through_proxy(nginx, scheme)
    before = tinyproxy.log.count(logged)
    client = sdk.client(url, verify=str(certificates.ca), max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2
    assert tinyproxy.log.wait_past(logged, before) > before, f"tinyproxy never saw {logged!r}"


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_proxy_set_explicitly_is_used(
    sdk: SDK,
    nginx: Nginx,
    tinyproxy: Tinyproxy,
    certificates: Certificates,
    scheme: str,
) -> None:
    """The explicit setting today: an httpx client with ``proxy=`` handed in."""
    url, logged = through_proxy(nginx, scheme)
    before = tinyproxy.log.count(logged)
    verify = ssl.create_default_context(cafile=str(certificates.ca))
    http_client = sdk.http_client(proxy=tinyproxy.url, verify=verify)
    client = sdk.client(url, http_client=http_client, max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2
    assert tinyproxy.log.wait_past(logged, before) > before, f"tinyproxy never saw {logged!r}"


def test_no_proxy_when_none_is_named(sdk: SDK, nginx: Nginx, tinyproxy: Tinyproxy) -> None:
    url, logged = through_proxy(nginx, "http")
    before = tinyproxy.log.count(logged)
    client = sdk.client(url, max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2
    assert tinyproxy.log.wait_past(logged, before, timeout=0.3) == before
