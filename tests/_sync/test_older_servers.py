"""A 2.x server gets requests in its release's form; what it cannot do is refused first.

The same calls to a 3.0.3 server go out as the newest spec has them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP

import httpx
import pytest

from immich import Client, UnsupportedByServerError
from immich.models import AlbumUserRole, QueueName, SyncRequestType
from tests.helpers import API_KEY, BASE_URL, album_json, asset_json

NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
V2, V3 = (2, 7, 5), (3, 0, 3)


class Server:
    """A server of ``version`` that answers every call with ``answer`` and keeps them."""

    def __init__(self, version: tuple[int, int, int], answer: httpx.Response) -> None:
        self.version = version
        self.answer = answer
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/server/version":
            major, minor, patch = self.version
            return httpx.Response(200, json={"major": major, "minor": minor, "patch": patch})
        self.calls.append(request)
        return httpx.Response(
            self.answer.status_code, headers=self.answer.headers, content=self.answer.content
        )


Connect = Callable[..., Client]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    def make(server: Server) -> Client:
        return connect(httpx.MockTransport(server), BASE_URL, api_key=API_KEY)

    return make


def form_fields(request: httpx.Request) -> dict[str, str]:
    """The text fields of a multipart body."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        part.get_param("name", header="content-disposition"): part.get_content()
        for part in message.iter_parts()
        if part.get_filename() is None
    }


UPLOADED = httpx.Response(201, json={"id": asset_json()["id"], "status": "created"})


@pytest.mark.parametrize("version", [V2, (2, 4, 1)])
def test_an_upload_to_2x_carries_the_device_fields_it_requires(
    version: tuple[int, int, int], make_client: Connect
) -> None:
    server = Server(version, UPLOADED)
    client = make_client(server)
    client.assets.upload_asset(
        asset_data=("IMG 0001.jpg", b"x" * 10),
        file_created_at=NOW,
        file_modified_at=NOW,
        duration=5500,
    )
    fields = form_fields(server.calls[0])
    assert fields["deviceAssetId"] == "IMG0001.jpg-10"
    assert fields["deviceId"] == "immich-sdk"
    assert fields["duration"] == "00:00:05.500"  # 2.x takes durations as text
    assert fields["fileCreatedAt"] == "2024-05-01T12:00:00.000Z"


def test_an_upload_to_3x_is_as_the_newest_spec_has_it(make_client: Connect) -> None:
    server = Server(V3, UPLOADED)
    client = make_client(server)
    client.assets.upload_asset(
        asset_data=("a.jpg", b"x"), file_created_at=NOW, file_modified_at=NOW, duration=5500
    )
    fields = form_fields(server.calls[0])
    assert "deviceAssetId" not in fields
    assert "deviceId" not in fields
    assert fields["duration"] == "5500"


def test_a_parameter_2x_does_not_take_is_refused_before_sending(make_client: Connect) -> None:
    server = Server(V2, httpx.Response(200, json=[]))
    client = make_client(server)
    with pytest.raises(UnsupportedByServerError) as caught:
        client.albums.get_all_albums(is_shared=True)
    assert str(caught.value) == (
        "get_all_albums(is_shared=...) needs Immich server 3.0 or newer; this server runs 2.7.5"
    )
    assert server.calls == []
    client.albums.get_all_albums(asset_id=asset_json()["id"])  # both releases take it
    assert server.calls[0].url.params["assetId"] == asset_json()["id"]


def test_the_same_parameter_goes_to_3x(make_client: Connect) -> None:
    server = Server(V3, httpx.Response(200, json=[]))
    make_client(server).albums.get_all_albums(is_shared=True)
    assert server.calls[0].url.params["isShared"] == "true"


def test_an_operation_2x_lacks_is_refused(make_client: Connect) -> None:
    server = Server(V2, httpx.Response(200, json=[]))
    with pytest.raises(UnsupportedByServerError, match="get_album_map_markers needs Immich"):
        make_client(server).albums.get_album_map_markers(album_json()["id"])
    assert server.calls == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.queues.get_queue(QueueName.INTEGRITY_CHECK),  # a path parameter
        lambda c: c.sync.get_sync_stream(types=[SyncRequestType.ASSETS_V2]),  # in a body list
        lambda c: c.albums.update_album_user(
            album_json()["id"], "u", role=AlbumUserRole.OWNER
        ),  # a body field
    ],
    ids=["path", "body-list", "body-field"],
)
def test_an_enum_value_2x_does_not_know_is_refused(
    call: Callable[[Client], object], make_client: Connect
) -> None:
    server = Server(V2, httpx.Response(200, json={}))
    with pytest.raises(UnsupportedByServerError, match=r"2\.7\.5"):
        call(make_client(server))  # type: ignore[misc]
    assert server.calls == []


def test_values_both_releases_know_go_to_2x(make_client: Connect) -> None:
    server = Server(V2, httpx.Response(200, content=b""))
    client = make_client(server)
    client.sync.get_sync_stream(types=[SyncRequestType.ASSETS_V1])
    assert json.loads(server.calls[0].content) == {"types": ["AssetsV1"]}


def test_a_null_2x_does_not_take_is_refused(make_client: Connect) -> None:
    """``make=None`` searches for assets without a camera maker from 3.0 on; 2.x has no
    such search, and sending it would be refused or mean something else."""
    empty = {"albums": {"count": 0, "facets": [], "items": [], "total": 0}}
    empty["assets"] = {"count": 0, "facets": [], "items": [], "total": 0, "nextPage": None}
    server = Server(V2, httpx.Response(200, json=empty))
    client = make_client(server)
    with pytest.raises(UnsupportedByServerError, match=r"search_assets\(make=None\)"):
        client.search.search_assets(make=None)
    client.search.search_assets(make="Canon")
    assert json.loads(server.calls[0].content) == {"make": "Canon"}


def test_calls_that_are_alike_everywhere_need_no_version(make_client: Connect) -> None:
    server = Server(V2, httpx.Response(200, json=[]))
    client = make_client(server)
    client.albums.get_all_albums()  # varies only with the 3.0 filters
    client.albums.get_all_albums(asset_id=asset_json()["id"])
    assert client._server_version is None


def test_2x_answers_decode_into_the_newest_models(make_client: Connect) -> None:
    old_asset = asset_json(duration="00:00:05.500", deviceAssetId="IMG.jpg-1", deviceId="CLI")
    page = {
        "albums": {"count": 0, "facets": [], "items": [], "total": 0},
        "assets": {"count": 1, "facets": [], "items": [old_asset], "total": 1, "nextPage": None},
    }
    server = Server(V2, httpx.Response(200, json=page))
    result = make_client(server).search.search_assets()
    assert result.assets.items[0].duration == 5500
