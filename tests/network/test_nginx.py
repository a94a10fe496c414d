"""Both clients through nginx in front of FakeImmich: plain proxying, gzip, an idle
keep-alive connection that nginx closes, redirects, and a body size limit."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

from immich import APIStatusError, RedirectError, RequestTooLargeError
from tests.network.conftest import ASSET_BYTES, SDK, Backend, Nginx

NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)


def test_calls_uploads_and_downloads_through_nginx(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str
) -> None:
    client = sdk.client(nginx.http, api_key=api_key, max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2
    assert sdk.run(client.assets.download_asset(backend.asset_id)) == ASSET_BYTES
    photo = os.urandom(256 * 1024)
    uploaded = sdk.run(
        client.assets.upload_asset(
            asset_data=("network.jpg", b"\xff\xd8\xff\xe0" + photo),
            file_created_at=NOW,
            file_modified_at=NOW,
        )
    )
    assert uploaded.status == "created"
    assert backend.fake.asset_bytes(uploaded.id) == b"\xff\xd8\xff\xe0" + photo


def test_gzip_encoded_answers_decode(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str
) -> None:
    client = sdk.client(f"{nginx.http}/gzip", api_key=api_key, max_retries=0)
    encoded = "GET /gzip/api/users/me 200 gzip"
    before = nginx.access_log.count(encoded)
    me = sdk.run(client.users.get_my_user())
    assert me.email == backend.fake.admin_email
    assert sdk.run(client.server.get_server_version()).major >= 2
    # nginx did encode the answer (so the SDK decoded it)
    assert nginx.access_log.wait_past(encoded, before) == before + 1


def test_a_connection_nginx_closed_after_its_keepalive_timeout_is_not_reused(
    sdk: SDK, nginx: Nginx, api_key: str
) -> None:
    """nginx closes connections idle for 1 s; the next call, 1.5 s later, must succeed
    at once: not fail, and not need a retry (none is allowed; a POST is not retried)."""
    client = sdk.client(nginx.http, api_key=api_key, max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2
    sdk.idle(1.5)
    album = sdk.run(client.albums.create_album(album_name=f"after idle ({sdk.kind})"))
    assert album.album_name == f"after idle ({sdk.kind})"
    sdk.idle(1.5)
    assert sdk.run(client.server.get_server_version()).major >= 2


@pytest.mark.parametrize("status", [301, 302, 308])
def test_a_redirect_on_the_same_server_is_followed_with_the_credentials(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str, status: int, tmp_path: Path
) -> None:
    """nginx answers every call under /r<status>/ with a redirect to the same path
    without the prefix. The download needs the API key: it arrives only if the
    credentials went along. The redirect's own body (nginx's HTML) is never the answer."""
    client = sdk.client(f"{nginx.http}/r{status}", api_key=api_key, max_retries=0)
    assert sdk.run(client.assets.download_asset(backend.asset_id)) == ASSET_BYTES
    written = sdk.run(client.assets.download_asset_to_file(backend.asset_id, tmp_path / "a.jpg"))
    assert Path(written).read_bytes() == ASSET_BYTES
    assert sdk.run(client.users.get_my_user()).email == backend.fake.admin_email
    assert nginx.access_log.count(f"/r{status}/api/assets/{backend.asset_id}/original {status}")


def test_a_redirect_to_another_server_fails_naming_it(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str, tmp_path: Path
) -> None:
    """/away/ redirects to the backend itself: another port, so another origin."""
    client = sdk.client(f"{nginx.http}/away", api_key=api_key, max_retries=0)
    target = f"{backend.url}/api/assets/{backend.asset_id}/original"
    with pytest.raises(RedirectError) as caught:
        sdk.run(client.assets.download_asset(backend.asset_id))
    assert caught.value.status_code == 302
    assert caught.value.location == target
    assert target in str(caught.value)
    with pytest.raises(RedirectError):
        sdk.run(client.assets.download_asset_to_file(backend.asset_id, tmp_path / "a.jpg"))
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the 302's body


def test_follow_redirects_set_on_the_http_client_does_not_break_calls(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str, tmp_path: Path
) -> None:
    client = sdk.client(f"{nginx.http}/r302", api_key=api_key, max_retries=0)
    client.http_client.follow_redirects = True
    assert sdk.run(client.assets.download_asset(backend.asset_id)) == ASSET_BYTES
    written = sdk.run(client.assets.download_asset_to_file(backend.asset_id, tmp_path / "a.jpg"))
    assert Path(written).read_bytes() == ASSET_BYTES
    assert sdk.run(client.users.get_my_user()).email == backend.fake.admin_email


def test_follow_redirects_set_on_the_http_client_still_keeps_the_key_from_another_server(
    sdk: SDK, nginx: Nginx, backend: Backend, api_key: str
) -> None:
    """httpx drops only ``Authorization`` on a redirect to another origin; the SDK's
    ``x-api-key`` would go along, so such a redirect still fails."""
    client = sdk.client(f"{nginx.http}/away", api_key=api_key, max_retries=0)
    client.http_client.follow_redirects = True
    with pytest.raises(RedirectError) as caught:
        sdk.run(client.assets.download_asset(backend.asset_id))
    assert caught.value.location == f"{backend.url}/api/assets/{backend.asset_id}/original"


def test_a_body_too_large_for_the_proxy_is_a_typed_error(
    sdk: SDK, nginx: Nginx, api_key: str
) -> None:
    """nginx refuses bodies over ``client_max_body_size`` (1 KiB under /small/) with a 413
    and an HTML page of its own: the error says what happened, not just a status."""
    client = sdk.client(f"{nginx.http}/small", api_key=api_key, max_retries=0)
    with pytest.raises(RequestTooLargeError) as caught:
        sdk.run(
            client.assets.upload_asset(
                asset_data=("big.jpg", b"\xff\xd8\xff\xe0" + os.urandom(4 * 1024 * 1024)),
                file_created_at=NOW,
                file_modified_at=NOW,
            )
        )
    assert isinstance(caught.value, APIStatusError)
    assert caught.value.status_code == 413
    message = str(caught.value)
    assert re.search(r"too large", message, re.IGNORECASE), message
    assert re.search(r"proxy|server", message, re.IGNORECASE), message
    assert "<html>" not in message
