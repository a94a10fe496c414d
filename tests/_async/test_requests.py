"""Every shape of request the client sends, and every kind of success body it decodes."""

from __future__ import annotations

import datetime
import functools
import io
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from immich import AsyncClient, IncompleteDownloadError
from immich.models import (
    AlbumResponseDto,
    AlbumUserCreateDto,
    AlbumUserRole,
    AssetMediaResponseDto,
    AssetMediaSize,
    AssetMediaStatus,
    AssetMetadataUpsertItemDto,
    AssetTypeEnum,
    AssetVisibility,
    QueueJobStatus,
    QueueName,
    SharedLinkResponseDto,
    UserAdminResponseDto,
    UserAvatarColor,
)
from tests.helpers import (
    API,
    API_KEY,
    ASSET_ID,
    OWNER_ID,
    ChunkStream,
    FakeServer,
    album_json,
    asset_json,
    json_body,
    multipart_parts,
    names_in,
    person_json,
    query_pairs,
    shared_link_json,
    user_admin_json,
)

UTC = datetime.timezone.utc
CREATED = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
MODIFIED = datetime.datetime(
    2024, 1, 2, 3, 4, 5, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
)
UPLOADED = {"id": ASSET_ID, "status": "created"}
ALBUM = album_json()


Connect = Callable[..., AsyncClient]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY)


# --- path, query and header parameters -------------------------------------------------


async def test_path_parameter_is_url_quoted(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, content=b"jpeg"))
    client = make_client(server)
    await client.assets.view_asset("a/b c?d#e%f")
    assert server.last.url.raw_path == b"/api/assets/a%2Fb%20c%3Fd%23e%25f/thumbnail"


async def test_path_parameter_enum_goes_by_value(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    await client.queues.get_queue_jobs(QueueName.THUMBNAIL_GENERATION)
    assert server.last.url.path == "/api/queues/thumbnailGeneration/jobs"


async def test_query_bools_and_enums_are_sent_as_the_server_reads_them(
    make_client: Connect,
) -> None:
    server = FakeServer(httpx.Response(200, content=b"jpeg"))
    client = make_client(server)
    await client.assets.view_asset(ASSET_ID, edited=True, size=AssetMediaSize.PREVIEW)
    await client.assets.view_asset(ASSET_ID, edited=False)
    first, second = server.requests
    assert query_pairs(first) == [("edited", "true"), ("size", "preview")]
    # UNSET parameters (key, slug, size) are left out entirely.
    assert query_pairs(second) == [("edited", "false")]


async def test_no_query_string_when_every_parameter_is_unset(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, content=b"jpeg"))
    client = make_client(server)
    await client.assets.view_asset(ASSET_ID)
    assert server.last.url.query == b""
    assert str(server.last.url) == f"{API}/assets/{ASSET_ID}/thumbnail"


async def test_query_arrays_are_repeated_and_datetimes_are_iso(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    result = await client.search.search_large_assets(
        person_ids=["p1", "p2"],
        taken_after=CREATED,
        taken_before=MODIFIED,
        is_favorite=False,
        type=AssetTypeEnum.VIDEO,
        min_file_size=1024,
    )
    assert result == []
    pairs = query_pairs(server.last)
    assert [v for k, v in pairs if k == "personIds"] == ["p1", "p2"]
    assert ("takenAfter", "2024-01-02T03:04:05.000Z") in pairs
    assert ("takenBefore", "2024-01-02T01:04:05.250Z") in pairs  # (in UTC)
    assert ("isFavorite", "false") in pairs
    assert ("type", "VIDEO") in pairs
    assert ("minFileSize", "1024") in pairs
    assert {k for k, _ in pairs} == {
        "personIds",
        "takenAfter",
        "takenBefore",
        "isFavorite",
        "type",
        "minFileSize",
    }
    assert b"personIds=p1&personIds=p2" in server.last.url.query


async def test_query_enum_arrays_go_by_value(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    await client.queues.get_queue_jobs(
        QueueName.SMART_SEARCH, status=[QueueJobStatus.ACTIVE, QueueJobStatus.FAILED]
    )
    assert query_pairs(server.last) == [("status", "active"), ("status", "failed")]


async def test_a_query_array_of_one_is_sent_twice_so_immich_3_reads_an_array(
    make_client: Connect,
) -> None:
    # Immich 3.0.3 reads ?status=paused as a string and refuses it (400 "expected array").
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    await client.queues.get_queue_jobs(QueueName.SMART_SEARCH, status=[QueueJobStatus.PAUSED])
    assert query_pairs(server.last) == [("status", "paused"), ("status", "paused")]
    await client.search.search_large_assets(album_ids=("a1",))
    assert query_pairs(server.last) == [("albumIds", "a1"), ("albumIds", "a1")]


async def test_naive_datetime_is_refused_before_sending(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    with pytest.raises(ValueError, match="timezone"):
        await client.search.search_large_assets(taken_after=datetime.datetime(2024, 1, 1))
    assert server.requests == []


async def test_header_parameter_is_sent_under_its_wire_name(
    tmp_path: Path, make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    client = make_client(server)
    await client.assets.upload_asset(
        asset_data=b"data",
        file_created_at=CREATED,
        file_modified_at=CREATED,
        x_immich_checksum="2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    )
    await client.assets.upload_asset(
        asset_data=b"data", file_created_at=CREATED, file_modified_at=CREATED
    )
    with_checksum, without = server.requests
    assert with_checksum.headers["x-immich-checksum"] == "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
    assert "x-immich-checksum" not in without.headers


async def test_credentials_and_extra_headers_are_sent(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, headers={"x-trace": "abc"})
    await client.albums.get_all_albums()
    assert server.last.headers["x-api-key"] == API_KEY
    assert server.last.headers["x-trace"] == "abc"
    assert "authorization" not in server.last.headers


# --- JSON bodies --------------------------------------------------------------------


async def test_json_body_has_camel_case_keys_and_omits_unset(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(201, json=ALBUM))
    user = "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"
    client = make_client(server)
    album = await client.albums.create_album(
        album_name="Trip",
        asset_ids=[ASSET_ID],
        album_users=[AlbumUserCreateDto(user_id=user, role=AlbumUserRole.EDITOR)],
    )
    assert isinstance(album, AlbumResponseDto)
    assert album.album_name == "Trip"
    request = server.last
    assert request.method == "POST"
    assert request.url.path == "/api/albums"
    assert json_body(request) == {
        "albumName": "Trip",
        "assetIds": [ASSET_ID],
        "albumUsers": [{"userId": user, "role": "editor"}],
    }


async def test_explicit_none_is_sent_as_null_and_unset_is_left_out(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=shared_link_json()))
    client = make_client(server)
    link = await client.shared_links.update_shared_link(
        "link-1", expires_at=None, description=None, allow_upload=False
    )
    assert isinstance(link, SharedLinkResponseDto)
    assert link.expires_at is None
    assert (server.last.method, server.last.url.path) == ("PATCH", "/api/shared-links/link-1")
    assert json_body(server.last) == {
        "expiresAt": None,
        "description": None,
        "allowUpload": False,
    }


async def test_body_field_named_like_a_path_parameter(make_client: Connect) -> None:
    face = "11111111-2222-4333-8444-555555555555"
    server = FakeServer(httpx.Response(200, json=person_json(1)))
    client = make_client(server)
    person = await client.faces.reassign_faces_by_id("person-1", body_id=face)
    assert person.name == "Person 1"
    assert (server.last.method, server.last.url.path) == ("PUT", "/api/faces/person-1")
    assert json_body(server.last) == {"id": face}


async def test_json_body_datetime_is_iso(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=shared_link_json()))
    client = make_client(server)
    await client.shared_links.update_shared_link("link-1", expires_at=MODIFIED)
    assert json_body(server.last) == {"expiresAt": "2024-01-02T01:04:05.250Z"}


async def test_deprecated_method_warns_and_sends_enums_by_value(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=user_admin_json()))
    client = make_client(server)
    with pytest.warns(DeprecationWarning, match="update_user_admin"):
        user = await client.users_admin.update_user_admin(
            OWNER_ID, avatar_color=UserAvatarColor.PINK, storage_label=None
        )
    assert isinstance(user, UserAdminResponseDto)
    assert json_body(server.last) == {"avatarColor": "pink", "storageLabel": None}


# --- multipart uploads -------------------------------------------------------------


def _jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg \x00\x01\x02")
    return path


async def test_upload_from_a_path_sends_every_field(tmp_path: Path, make_client: Connect) -> None:
    path = _jpeg(tmp_path)
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    client = make_client(server)
    result = await client.assets.upload_asset(
        asset_data=path,
        file_created_at=CREATED,
        file_modified_at=MODIFIED,
        is_favorite=True,
        visibility=AssetVisibility.ARCHIVE,
        duration=1500,
        metadata=[AssetMetadataUpsertItemDto(key="mobile-app", value={"iCloudId": "x1"})],
        sidecar_data=("IMG_0001.xmp", b"<x:xmpmeta/>"),
    )
    assert isinstance(result, AssetMediaResponseDto)
    assert result.status == AssetMediaStatus.CREATED
    request = server.last
    assert (request.method, request.url.path) == ("POST", "/api/assets")
    parts = multipart_parts(request)
    asset = parts["assetData"]
    assert asset.filename == "IMG_0001.jpg"
    assert asset.content_type == "image/jpeg"
    assert asset.data == path.read_bytes()
    assert parts["fileCreatedAt"].data == b"2024-01-02T03:04:05.000Z"
    assert parts["fileCreatedAt"].filename is None
    assert parts["fileModifiedAt"].data == b"2024-01-02T01:04:05.250Z"
    assert parts["isFavorite"].data == b"true"
    assert parts["visibility"].data == b"archive"
    assert parts["duration"].data == b"1500"
    assert json.loads(parts["metadata"].data) == [
        {"key": "mobile-app", "value": {"iCloudId": "x1"}}
    ]
    assert parts["sidecarData"].filename == "IMG_0001.xmp"
    assert parts["sidecarData"].data == b"<x:xmpmeta/>"
    assert set(parts) == {
        "assetData",
        "fileCreatedAt",
        "fileModifiedAt",
        "isFavorite",
        "visibility",
        "duration",
        "metadata",
        "sidecarData",
    }


async def test_upload_from_a_str_path(tmp_path: Path, make_client: Connect) -> None:
    path = _jpeg(tmp_path)
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    client = make_client(server)
    await client.assets.upload_asset(
        asset_data=str(path), file_created_at=CREATED, file_modified_at=CREATED
    )
    part = multipart_parts(server.last)["assetData"]
    assert part.filename == "IMG_0001.jpg"
    assert part.data == path.read_bytes()


async def test_upload_from_an_open_file_leaves_it_open(
    tmp_path: Path, make_client: Connect
) -> None:
    path = _jpeg(tmp_path)
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    with path.open("rb") as f:
        client = make_client(server)
        await client.assets.upload_asset(
            asset_data=f, file_created_at=CREATED, file_modified_at=CREATED
        )
        assert not f.closed
    part = multipart_parts(server.last)["assetData"]
    assert part.filename == "IMG_0001.jpg"
    assert part.content_type == "image/jpeg"
    assert part.data == path.read_bytes()


async def test_upload_from_bytes(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    client = make_client(server)
    await client.assets.upload_asset(
        asset_data=b"raw bytes \x00\xff",
        file_created_at=CREATED,
        file_modified_at=CREATED,
        filename="scan.tiff",
    )
    parts = multipart_parts(server.last)
    assert parts["assetData"].data == b"raw bytes \x00\xff"
    assert parts["assetData"].filename  # a file part, not a plain field
    assert parts["filename"].data == b"scan.tiff"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("holiday.png", io.BytesIO(b"\x89PNG fake"), "image/png"),
        ("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
    ],
)
async def test_upload_from_a_filename_and_content_tuple(
    name: str, content: io.BytesIO | bytes, content_type: str, make_client: Connect
) -> None:
    expected = content.getvalue() if isinstance(content, io.BytesIO) else content
    server = FakeServer(httpx.Response(201, json=UPLOADED))
    client = make_client(server)
    await client.assets.upload_asset(
        asset_data=(name, content), file_created_at=CREATED, file_modified_at=CREATED
    )
    part = multipart_parts(server.last)["assetData"]
    assert part.filename == name
    assert part.content_type == content_type
    assert part.data == expected


async def test_upload_status_200_and_201_through_with_response(make_client: Connect) -> None:
    server = FakeServer(
        httpx.Response(201, json=UPLOADED, headers={"x-request": "one"}),
        httpx.Response(200, json={"id": ASSET_ID, "status": "duplicate"}),
    )
    client = make_client(server)
    created = await client.with_response(
        client.assets.upload_asset,
        asset_data=b"x",
        file_created_at=CREATED,
        file_modified_at=CREATED,
    )
    duplicate = await client.with_response(
        client.assets.upload_asset,
        asset_data=b"x",
        file_created_at=CREATED,
        file_modified_at=CREATED,
    )
    assert created.status_code == 201
    assert created.parsed.status == AssetMediaStatus.CREATED
    assert created.headers["x-request"] == "one"
    assert duplicate.status_code == 200
    assert duplicate.parsed.status == AssetMediaStatus.DUPLICATE
    assert duplicate.parsed.id == ASSET_ID


async def test_with_response_gives_status_and_headers_of_a_get(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[], headers={"x-immich-cid": "c-123"}))
    client = make_client(server)
    result = await client.with_response(client.albums.get_all_albums, is_shared=True)
    assert result.parsed == []
    assert result.status_code == 200
    assert result.headers["x-immich-cid"] == "c-123"
    assert result.http.request.url.params["isShared"] == "true"


# --- form bodies --------------------------------------------------------------------


async def test_backchannel_logout_is_form_encoded(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200))
    client = make_client(server)
    result = await client.auth.logout_o_auth(logout_token="eyJ.logout.token")
    assert result is None
    request = server.last
    assert (request.method, request.url.path) == ("POST", "/api/oauth/backchannel-logout")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.content == b"logout_token=eyJ.logout.token"


# --- binary and text responses ------------------------------------------------------


async def test_binary_response_is_bytes(make_client: Connect) -> None:
    payload = bytes(range(256)) * 10
    server = FakeServer(
        httpx.Response(200, content=payload, headers={"content-type": "application/octet-stream"})
    )
    client = make_client(server)
    data = await client.assets.download_asset(ASSET_ID, edited=True)
    assert data == payload
    assert server.last.url.path == f"/api/assets/{ASSET_ID}/original"
    assert server.last.url.params["edited"] == "true"


async def test_binary_stream_yields_chunks(make_client: Connect) -> None:
    total = 3 * (1 << 20) + 5
    server = FakeServer(
        lambda request: httpx.Response(
            200,
            headers={
                "content-length": str(total),
                "content-disposition": 'attachment; filename="IMG_0001.jpg"',
            },
            stream=ChunkStream(total),
        )
    )
    chunks = []
    client = make_client(server)
    async with client.assets.download_asset_stream(ASSET_ID) as body:
        assert body.content_length == total
        assert body.filename == "IMG_0001.jpg"
        async for chunk in body.aiter_bytes():
            chunks.append(chunk)
    assert len(chunks) >= 4
    assert sum(map(len, chunks)) == total
    assert set(b"".join(chunks)) == {0xAB}


async def test_download_to_file_writes_the_whole_body(tmp_path: Path, make_client: Connect) -> None:
    payload = b"0123456789" * 100_000
    server = FakeServer(httpx.Response(200, content=payload))
    target = tmp_path / "photo.jpg"
    client = make_client(server)
    written = await client.assets.download_asset_to_file(ASSET_ID, target)
    assert Path(written) == target
    assert target.read_bytes() == payload
    assert names_in(tmp_path) == ["photo.jpg"]


async def test_download_to_a_folder_uses_the_server_file_name(
    tmp_path: Path, make_client: Connect
) -> None:
    server = FakeServer(
        httpx.Response(
            200,
            content=b"abc",
            headers={"content-disposition": 'attachment; filename="IMG_9.heic"'},
        )
    )
    client = make_client(server)
    written = await client.assets.download_asset_to_file(ASSET_ID, tmp_path)
    assert Path(written) == tmp_path / "IMG_9.heic"
    assert (tmp_path / "IMG_9.heic").read_bytes() == b"abc"


async def test_short_download_raises_and_leaves_no_file(
    tmp_path: Path, make_client: Connect
) -> None:
    server = FakeServer(
        lambda request: httpx.Response(
            200, headers={"content-length": "5000"}, stream=ChunkStream(3000, chunk_size=1000)
        )
    )
    target = tmp_path / "photo.jpg"
    client = make_client(server)
    with pytest.raises(IncompleteDownloadError) as caught:
        await client.assets.download_asset_to_file(ASSET_ID, target)
    assert "3000" in str(caught.value)
    assert "5000" in str(caught.value)
    assert names_in(tmp_path) == []


async def test_failed_download_keeps_an_existing_file(tmp_path: Path, make_client: Connect) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"old contents")
    server = FakeServer(
        lambda request: httpx.Response(
            200, headers={"content-length": "10"}, stream=ChunkStream(4, chunk_size=4)
        )
    )
    client = make_client(server)
    with pytest.raises(IncompleteDownloadError):
        await client.assets.download_asset_to_file(ASSET_ID, target)
    assert target.read_bytes() == b"old contents"
    assert names_in(tmp_path) == ["photo.jpg"]


async def test_text_response_is_str(make_client: Connect) -> None:
    playlist = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n0/playlist.m3u8\n"
    server = FakeServer(
        httpx.Response(
            200,
            content=playlist.encode(),
            headers={"content-type": "application/vnd.apple.mpegurl"},
        )
    )
    client = make_client(server)
    text = await client.assets.get_main_playlist(ASSET_ID)
    assert text == playlist
    assert server.last.url.path == f"/api/assets/{ASSET_ID}/video/stream/main.m3u8"


async def test_empty_response_is_none(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(204))
    client = make_client(server)
    assert await client.albums.delete_album("album-1") is None
    assert (server.last.method, server.last.url.path) == ("DELETE", "/api/albums/album-1")


async def test_json_list_response_decodes_to_models(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[ALBUM, {**ALBUM, "albumName": "Second"}]))
    client = make_client(server)
    albums = await client.albums.get_all_albums()
    assert [a.album_name for a in albums] == ["Trip", "Second"]
    assert all(isinstance(a, AlbumResponseDto) for a in albums)


# --- timeouts -----------------------------------------------------------------------


async def test_default_timeout_reaches_the_request(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    await client.albums.get_all_albums()
    timeout = server.last.extensions["timeout"]
    assert timeout["connect"] == 10.0
    assert timeout["read"] == 60.0


async def test_client_timeout_reaches_the_request(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, timeout=7.5)
    await client.albums.get_all_albums()
    assert server.last.extensions["timeout"] == {
        "connect": 7.5,
        "read": 7.5,
        "write": 7.5,
        "pool": 7.5,
    }


async def test_client_timeout_object_reaches_the_request(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, timeout=httpx.Timeout(20.0, connect=2.0))
    await client.albums.get_all_albums()
    assert server.last.extensions["timeout"] == {
        "connect": 2.0,
        "read": 20.0,
        "write": 20.0,
        "pool": 20.0,
    }


async def test_per_call_timeout_overrides_the_client_timeout(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, timeout=30.0)
    await client.albums.get_all_albums(timeout=1.5)
    await client.albums.get_all_albums()
    await client.albums.get_all_albums(timeout=None)
    first, second, third = (r.extensions["timeout"] for r in server.requests)
    assert first == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert second["read"] == 30.0
    assert third == {"connect": None, "read": None, "write": None, "pool": None}


async def test_per_call_timeout_reaches_streamed_downloads(
    tmp_path: Path, make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(200, content=b"abc"))
    client = make_client(server)
    await client.assets.download_asset_to_file(ASSET_ID, tmp_path / "x", timeout=3.0)
    assert server.last.extensions["timeout"]["read"] == 3.0


# --- pytest-httpx ------------------------------------------------------------------

# A host that never resolves: only the mock can answer (a server running on this machine
# must not make the test pass).
UNRESOLVABLE = "https://immich.invalid"


@pytest.mark.httpx_mock(assert_all_responses_were_requested=False)
async def test_default_transport_can_be_mocked_with_pytest_httpx(httpx_mock: object) -> None:
    httpx_mock.add_response(  # type: ignore[attr-defined]
        url=f"{UNRESOLVABLE}/api/server/version",
        json={"major": 3, "minor": 0, "patch": 3, "prerelease": None},
    )
    async with AsyncClient(UNRESOLVABLE, api_key=API_KEY, max_retries=0) as client:
        version = await client.server.get_server_version()
    assert (version.major, version.minor, version.patch) == (3, 0, 3)


async def test_asset_info_decodes_the_full_model(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=asset_json()))
    client = make_client(server)
    asset = await client.assets.get_asset_info(ASSET_ID)
    assert asset.id == ASSET_ID
    assert asset.type == AssetTypeEnum.IMAGE
    assert asset.file_created_at == datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)
