"""One asset's bytes: the original comes back as uploaded (whole, streamed, to a file),
and viewing a JPEG at full size gives the original (the server redirects to it)."""

from __future__ import annotations

import posixpath
from pathlib import Path

from immich import Client
from immich.models import AssetMediaSize
from tests.e2e._sync.uploads import Uploaded, sha1

JPEG = "Berlin 2021/IMG_0002.jpg"
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
}


def _asset_bytes(uploaded: Uploaded, asset_id: str) -> bytes:
    [rel, *_] = [rel for rel, i in uploaded.ids.items() if i == asset_id]
    return uploaded.local(rel)


def test_download_asset_returns_the_original(client: Client, uploaded: Uploaded) -> None:
    for rel in uploaded.corpus.uploadable:
        data = client.assets.download_asset(uploaded.id(rel))
        assert sha1(data) == sha1(uploaded.local(rel)), rel


def test_download_asset_stream(client: Client, uploaded: Uploaded) -> None:
    for rel in uploaded.corpus.uploadable:
        asset = uploaded.assets[uploaded.id(rel)]
        with client.assets.download_asset_stream(asset.id) as body:
            chunks = [chunk for chunk in body.iter_bytes(1024)]
            assert body.filename == asset.original_file_name, rel
            suffix = posixpath.splitext(rel)[1].lower()
            assert body.content_type == CONTENT_TYPES[suffix], rel
            assert body.content_length == len(uploaded.local(rel)), rel
        assert sha1(b"".join(chunks)) == sha1(uploaded.local(rel)), rel
        assert all(len(chunk) == 1024 for chunk in chunks[:-1]), rel


def test_download_asset_to_file(client: Client, uploaded: Uploaded, tmp_path: Path) -> None:
    into_folder = tmp_path / "folder"
    into_folder.mkdir()
    for number, rel in enumerate(uploaded.corpus.uploadable):
        asset_id = uploaded.id(rel)
        named = client.assets.download_asset_to_file(asset_id, tmp_path / f"{number}.bin")
        assert named == tmp_path / f"{number}.bin"
        assert sha1(named.read_bytes()) == sha1(uploaded.local(rel)), rel
    for asset_id, asset in uploaded.assets.items():
        # Into a folder: the server's name for the file.
        path = client.assets.download_asset_to_file(asset_id, into_folder)
        assert path == into_folder / asset.original_file_name
        assert sha1(path.read_bytes()) == sha1(_asset_bytes(uploaded, asset_id))
    assert sorted(p.name for p in into_folder.iterdir()) == sorted(
        a.original_file_name for a in uploaded.assets.values()
    )


def test_fullsize_view_of_a_jpeg_is_the_original(client: Client, uploaded: Uploaded) -> None:
    # The server answers 302 to the original for an image a browser can show.
    data = client.assets.view_asset(uploaded.id(JPEG), size=AssetMediaSize.FULLSIZE)
    assert data[:2] == b"\xff\xd8", data[:40]
    assert data == uploaded.local(JPEG)


def test_fullsize_view_to_a_file_is_the_original(
    client: Client, uploaded: Uploaded, tmp_path: Path
) -> None:
    path = client.assets.view_asset_to_file(
        uploaded.id(JPEG), tmp_path / "full.jpg", size=AssetMediaSize.FULLSIZE
    )
    data = path.read_bytes()
    assert data[:2] == b"\xff\xd8", data[:40]
    assert data == uploaded.local(JPEG)


def test_fullsize_view_streamed_is_the_original(client: Client, uploaded: Uploaded) -> None:
    with client.assets.view_asset_stream(uploaded.id(JPEG), size=AssetMediaSize.FULLSIZE) as body:
        data = b"".join([chunk for chunk in body.iter_bytes()])
    assert data[:2] == b"\xff\xd8", data[:40]
    assert data == uploaded.local(JPEG)


def test_preview_and_thumbnail(client: Client, uploaded: Uploaded) -> None:
    preview = client.assets.view_asset(uploaded.id(JPEG), size=AssetMediaSize.PREVIEW)
    assert preview[:2] == b"\xff\xd8"
    thumbnail = client.assets.view_asset(uploaded.id(JPEG))
    assert thumbnail[:4] == b"RIFF"
    assert thumbnail[8:12] == b"WEBP"
