"""Hostile file names: what the server stores for them, and that downloading such assets
never writes outside the download folder, under names that are safe everywhere.

A name reaches the server two ways: as the multipart file name of ``assetData`` (which
the server cuts to its last path component, and which httpx escapes: ``"`` and control
characters become ``%22``, ``%0A``...), or as the ``filename`` form field (kept as given).
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from pathlib import Path

import pytest
import pytest_asyncio

import immich
from immich import Client
from tests.e2e._sync.uploads import sha1, wait_processed
from tests.e2e.corpus import jpeg, xmp_sidecar
from tests.e2e.server import Account, Server

NOW = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)

#: Multipart file name -> what the server stores.
AS_FILE_NAME = {
    "../../x.jpg": "x.jpg",
    "/etc/passwd.jpg": "passwd.jpg",
    "C:\\Users\\x\\evil.jpg": "evil.jpg",
    "CON.jpg": "CON.jpg",
    "nul.jpg": "nul.jpg",
    "\u202egpj.exe.jpg": "\u202egpj.exe.jpg",
    "a\x00b.jpg": "a%00b.jpg",
    "new\nline.jpg": "new%0Aline.jpg",
}
#: ``filename`` field: the server stores it as given.
AS_FIELD = [
    "../../x.jpg",
    "/etc/passwd.jpg",
    "C:\\Users\\x\\evil.jpg",
    "..\\..\\win.jpg",
    "a/../../b.jpg",
    "CON.jpg",
    "nul.jpg",
    "\u202egpj.exe.jpg",
    "new\nline.jpg",
    "..jpg",
]
#: What a download names them: one safe component each; a name taken twice is numbered.
DOWNLOADED = {
    "x.jpg",
    "x (2).jpg",
    "passwd.jpg",
    "passwd (2).jpg",
    "evil.jpg",
    "evil (2).jpg",
    "win.jpg",
    "b.jpg",
    "_CON.jpg",
    "_CON (2).jpg",
    "_nul.jpg",
    "_nul (2).jpg",
    "gpj.exe.jpg",
    "gpj.exe (2).jpg",
    "a%00b.jpg",
    "new%0Aline.jpg",
    "new_line.jpg",
    "..jpg",
}
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}


def _tree(root: Path, *, leave_out: Path) -> dict[str, int]:
    """Every path below ``root`` (outside ``leave_out``) -> its modification time."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != leave_out]
        for name in [*dirs, *files]:
            path = Path(folder, name)
            found[str(path.relative_to(root))] = path.lstat().st_mtime_ns
    return found


def _exists(path: str) -> bool:
    return os.path.lexists(path)


def _assert_safe(name: str) -> None:
    assert name == name.strip(), name
    assert not name.startswith(".") or name == "..jpg", name
    assert all(ch.isprintable() for ch in name), repr(name)
    assert not any(unicodedata.category(ch) == "Cf" for ch in name), repr(name)
    assert not set(name) & set('/\\:*?"<>|'), repr(name)
    assert name.partition(".")[0].upper() not in RESERVED, name


@pytest_asyncio.fixture(scope="module", loop_scope="module")
def hostile(
    server: Server, account: Account, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """Assets with hostile names, made once for the module: asset id -> their bytes."""
    made: dict[str, bytes] = {}
    sources = tmp_path_factory.mktemp("sources")
    with Client(server.url, api_key=account.api_key) as client:
        for number, name in enumerate([*AS_FILE_NAME, *AS_FIELD]):
            source = sources / f"{number}.jpg"
            jpeg(source, seed=90_000 + number)
            content = source.read_bytes()
            if number < len(AS_FILE_NAME):
                answer = client.assets.upload_asset(
                    asset_data=(name, content), file_created_at=NOW, file_modified_at=NOW
                )
            else:
                answer = client.assets.upload_asset(
                    asset_data=source, filename=name, file_created_at=NOW, file_modified_at=NOW
                )
            assert answer.status == "created", name
            made[answer.id] = content
    return made


def test_what_the_server_stores(client: Client, hostile: dict[str, bytes]) -> None:
    stored = []
    for asset_id in hostile:
        asset = client.assets.get_asset_info(asset_id)
        stored.append(asset.original_file_name)
    assert stored == [*AS_FILE_NAME.values(), *AS_FIELD]


def test_a_nul_in_the_filename_field_is_refused(client: Client, tmp_path: Path) -> None:
    jpeg(tmp_path / "nul.jpg", seed=91_000)
    before = client.assets.get_asset_statistics()
    # (Immich 3.0.3 answers 500: PostgreSQL takes no NUL in text.)
    with pytest.raises(immich.APIStatusError):
        client.assets.upload_asset(
            asset_data=tmp_path / "nul.jpg",
            filename="a\x00b.jpg",
            file_created_at=NOW,
            file_modified_at=NOW,
        )
    after = client.assets.get_asset_statistics()
    assert after.total == before.total


def test_a_bulk_download_stays_inside(
    client: Client, hostile: dict[str, bytes], tmp_path: Path
) -> None:
    dest = tmp_path / "jail" / "dest"
    dest.mkdir(parents=True)
    before = _tree(tmp_path, leave_out=dest)
    result = client.download(dest, asset_ids=list(hostile), hash_cache=False)
    assert dict(result.failed) == {}
    assert set(result.downloaded) == set(hostile)
    assert _tree(tmp_path, leave_out=dest) == before
    assert not _exists("/etc/passwd.jpg")
    names = {path.name for path in result.downloaded.values()}
    assert names == DOWNLOADED
    for asset_id, path in result.downloaded.items():
        assert path.parent == dest
        _assert_safe(path.name)
        assert path.read_bytes() == hostile[asset_id]
    assert sorted(os.listdir(dest)) == sorted(DOWNLOADED)


def test_a_hostile_album_name_is_one_safe_folder(
    client: Client, hostile: dict[str, bytes], tmp_path: Path
) -> None:
    album = client.albums.create_album(album_name="../../../escape\\CON", asset_ids=list(hostile))
    dest = tmp_path / "dest"
    dest.mkdir()
    before = _tree(tmp_path, leave_out=dest)
    result = client.download(dest, album=album.id, layout="{album}/{yyyy}/{mm}", hash_cache=False)
    assert dict(result.failed) == {}
    assert _tree(tmp_path, leave_out=dest) == before
    folder = dest / "_CON" / "2024" / "05"
    assert {path.parent for path in result.downloaded.values()} == {folder}
    assert {path.name for path in result.downloaded.values()} == DOWNLOADED
    for asset_id, path in result.downloaded.items():
        assert sha1(path.read_bytes()) == sha1(hostile[asset_id])


def test_downloads_into_a_folder_use_safe_names(
    client: Client, hostile: dict[str, bytes], tmp_path: Path
) -> None:
    """``download_asset_to_file`` into a folder names the file after the server's
    Content-Disposition (the stored name's last component)."""
    dest = tmp_path / "jail" / "dest"
    dest.mkdir(parents=True)
    before = _tree(tmp_path, leave_out=dest)
    written = {}
    for asset_id in hostile:
        path = client.assets.download_asset_to_file(asset_id, dest)
        assert path.parent == dest
        _assert_safe(path.name)
        assert path.read_bytes() == hostile[asset_id]
        written[asset_id] = path.name
    assert _tree(tmp_path, leave_out=dest) == before
    assert len(set(written.values())) == len(hostile)
    assert {name for name in written.values() if " (" not in name} == {
        name for name in DOWNLOADED if " (" not in name
    }


#: Names a local file may have (anything but "/" and NUL, on Linux).
LOCAL_NAMES = [
    'Mom\'s "best".jpg',
    "back\\slash.jpg",
    "tab\there.jpg",
    "new\nline.jpg",
    "100% sure.jpg",
    "literally %22.jpg",
]


def test_a_bulk_upload_keeps_local_names(client: Client, tmp_path: Path) -> None:
    """The server stores each file's own name, whatever characters it has."""
    folder = tmp_path / "names"
    for number, name in enumerate(LOCAL_NAMES):
        jpeg(folder / name, seed=92_000 + number)
    result = client.upload(folder, hash_cache=False)
    assert len(result.uploaded) == len(LOCAL_NAMES)
    stored = {}
    for path, asset_id in result.uploaded.items():
        asset = client.assets.get_asset_info(asset_id)
        stored[path.name] = asset.original_file_name
    assert stored == {name: name for name in LOCAL_NAMES}


def test_a_sidecar_goes_along_whatever_the_name(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "with sidecar"
    jpeg(folder / 'say "cheese".jpg', seed=93_000)
    xmp_sidecar(folder / 'say "cheese".jpg.xmp', description="cheese")
    result = client.upload(folder, hash_cache=False)
    assert dict(result.failed) == {}
    [asset_id] = result.uploaded.values()
    processed = wait_processed(client, [asset_id])
    asset = processed[asset_id]
    assert asset.exif_info.description == "cheese"
    # The name comes in the multipart header only (the server would judge the sidecar
    # by a filename field): its quotes arrive escaped.
    assert asset.original_file_name == "say %22cheese%22.jpg"
