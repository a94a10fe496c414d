"""Bulk download: files land where the layout says with the bytes the server has, a second
run downloads nothing, files already there are kept, and a partial or interrupted
download is completed by the next run."""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from immich import Client
from immich._transfer.progress import Progress
from tests.e2e._sync.uploads import ROOT_ALBUM, Uploaded, sha1

UTC = datetime.timezone.utc


def _files(folder: Path) -> set[Path]:
    """Every file below ``folder`` (hidden ones too: a leftover partial file counts)."""
    return {p for p in folder.rglob("*") if p.is_file()}


def _album_of(uploaded: Uploaded, asset_id: str) -> str | None:
    """The album a layout names for the asset: the first by name of those its files'
    folders made (a live photo's video is in none)."""
    motion = uploaded.corpus.live_photo[1]
    albums = {
        rel.rpartition("/")[0] or ROOT_ALBUM
        for rel, i in uploaded.ids.items()
        if i == asset_id and rel != motion
    }
    return min(albums) if albums else None


def _taken(uploaded: Uploaded, asset_id: str) -> datetime.datetime:
    rel = next(rel for rel, i in uploaded.ids.items() if i == asset_id)
    return uploaded.corpus.taken(rel)


def _bytes_of(uploaded: Uploaded, asset_id: str) -> bytes:
    rel = next(rel for rel, i in uploaded.ids.items() if i == asset_id)
    return uploaded.local(rel)


def _expected_layout(uploaded: Uploaded, dest: Path, asset_ids: set[str]) -> dict[str, Path]:
    """Where ``{album}/{yyyy}/{mm}`` puts each asset (the month where it was taken)."""
    expected = {}
    for asset_id in asset_ids:
        taken = _taken(uploaded, asset_id)
        album = _album_of(uploaded, asset_id)
        folders = [album] if album else []
        folders += [f"{taken.year:04d}", f"{taken.month:02d}"]
        name = uploaded.assets[asset_id].original_file_name
        expected[asset_id] = dest.joinpath(*folders, name)
    return expected


def _check_files(uploaded: Uploaded, placed: dict[str, Path]) -> None:
    for asset_id, path in placed.items():
        assert sha1(path.read_bytes()) == sha1(_bytes_of(uploaded, asset_id)), path


def test_an_album_by_album_year_and_month(
    client: Client, uploaded: Uploaded, tmp_path: Path
) -> None:
    berlin = {
        uploaded.id(f"Berlin 2021/{name}")
        for name in ("IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg", "Straße am Fluss.jpg")
    }
    result = client.download(tmp_path, album="Berlin 2021", layout="{album}/{yyyy}/{mm}")
    expected = {
        i: tmp_path / "Berlin 2021" / "2021" / "06" / uploaded.assets[i].original_file_name
        for i in berlin
    }
    assert dict(result.downloaded) == expected
    assert dict(result.skipped) == {}
    assert dict(result.failed) == {}
    assert result.ok
    assert _files(tmp_path) == set(expected.values())
    _check_files(uploaded, expected)
    assert result.bytes_downloaded == sum(p.stat().st_size for p in expected.values())


def test_everything_then_nothing_the_second_time(
    client: Client, uploaded: Uploaded, tmp_path: Path
) -> None:
    expected = _expected_layout(uploaded, tmp_path, uploaded.asset_ids)
    first = client.download(tmp_path, layout="{album}/{yyyy}/{mm}", hash_cache=False)
    assert dict(first.failed) == {}
    assert dict(first.downloaded) == expected
    assert _files(tmp_path) == set(expected.values())
    _check_files(uploaded, expected)
    assert first.bytes_downloaded == sum(p.stat().st_size for p in expected.values())
    stamps = {p: p.stat().st_mtime_ns for p in expected.values()}

    second = client.download(tmp_path, layout="{album}/{yyyy}/{mm}", hash_cache=False)
    assert dict(second.downloaded) == {}
    assert dict(second.skipped) == expected
    assert second.bytes_downloaded == 0
    assert second.ok
    assert {p: p.stat().st_mtime_ns for p in _files(tmp_path)} == stamps


def test_selected_by_date(client: Client, uploaded: Uploaded, tmp_path: Path) -> None:
    result = client.download(
        tmp_path,
        taken_after=datetime.datetime(2019, 1, 1, tzinfo=UTC),
        taken_before=datetime.datetime(2020, 1, 1, tzinfo=UTC),
    )
    paris = {uploaded.id("Paris/été 2019 — café.jpg"), uploaded.id("Paris/日本語の名前.jpg")}
    assert set(result.downloaded) == paris
    assert {p.name for p in _files(tmp_path)} == {"été 2019 — café.jpg", "日本語の名前.jpg"}
    _check_files(uploaded, dict(result.downloaded))


def test_files_already_there(client: Client, uploaded: Uploaded, tmp_path: Path) -> None:
    same = uploaded.id("Berlin 2021/IMG_0002.jpg")
    other = uploaded.id("Berlin 2021/IMG_0003.jpg")
    # The right bytes under the name: kept. Other bytes under the name: kept too, and the
    # asset written next to them.
    shutil.copyfile(uploaded.corpus.root / "Berlin 2021/IMG_0002.jpg", tmp_path / "IMG_0002.jpg")
    (tmp_path / "IMG_0003.jpg").write_bytes(b"someone else's file")
    result = client.download(tmp_path, asset_ids=[same, other], hash_cache=False)
    assert dict(result.skipped) == {same: tmp_path / "IMG_0002.jpg"}
    assert dict(result.downloaded) == {other: tmp_path / "IMG_0003 (2).jpg"}
    assert (tmp_path / "IMG_0003.jpg").read_bytes() == b"someone else's file"
    _check_files(uploaded, {other: tmp_path / "IMG_0003 (2).jpg"})
    assert result.bytes_downloaded == (tmp_path / "IMG_0003 (2).jpg").stat().st_size

    replaced = tmp_path / "replaced"
    replaced.mkdir()
    (replaced / "IMG_0003.jpg").write_bytes(b"someone else's file")
    result = client.download(replaced, asset_ids=[other], overwrite=True, hash_cache=False)
    assert dict(result.downloaded) == {other: replaced / "IMG_0003.jpg"}
    assert _files(replaced) == {replaced / "IMG_0003.jpg"}
    _check_files(uploaded, dict(result.downloaded))


def _partial(folder: Path, asset_id: str) -> Path:
    """Where the SDK keeps an unfinished download (immich._transfer.partial)."""
    return folder / f".immich-{asset_id}.part"


def test_a_partial_file_is_resumed(client: Client, uploaded: Uploaded, tmp_path: Path) -> None:
    clip = uploaded.id("Videos/clip.mp4")
    other = uploaded.id("Videos/clip two.mov")
    content = uploaded.local("Videos/clip.mp4")
    half = len(content) // 2
    folder = tmp_path / "Videos" / "2020" / "02"  # where the layout puts it
    folder.mkdir(parents=True)
    _partial(folder, clip).write_bytes(content[:half])

    result = client.download(tmp_path, album="Videos", layout="{album}/{yyyy}/{mm}")
    assert dict(result.failed) == {}
    assert result.downloaded[clip] == folder / "clip.mp4"
    _check_files(uploaded, dict(result.downloaded))
    assert not _partial(folder, clip).exists()
    # Only the missing half of the clip came (a Range request), and the other video whole.
    other_size = result.downloaded[other].stat().st_size
    assert result.bytes_downloaded == len(content) - half + other_size


@pytest.mark.parametrize("leftover", ["stale", "too long"])
def test_a_wrong_partial_file_is_replaced(
    client: Client, uploaded: Uploaded, tmp_path: Path, leftover: str
) -> None:
    clip = uploaded.id("Videos/clip.mp4")
    content = uploaded.local("Videos/clip.mp4")
    if leftover == "stale":
        wrong = bytes(b ^ 0xFF for b in content[: len(content) // 2])
    else:
        wrong = content + b"more than the file has"
    _partial(tmp_path, clip).write_bytes(wrong)
    result = client.download(tmp_path, asset_ids=[clip])
    assert dict(result.failed) == {}
    assert dict(result.downloaded) == {clip: tmp_path / "clip.mp4"}
    assert (tmp_path / "clip.mp4").read_bytes() == content
    assert _files(tmp_path) == {tmp_path / "clip.mp4"}


class Interrupted(Exception):
    pass


def _large_jpeg(path: Path) -> None:
    """Over a megabyte: noise does not compress."""
    rng = random.Random(4242)
    size = (1200, 900)
    noise = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    noise.save(path, "JPEG", quality=95)


def test_an_interrupted_download_is_resumed(
    client: Client, uploaded: Uploaded, tmp_path: Path
) -> None:
    source = tmp_path / "large.jpg"
    _large_jpeg(source)
    now = datetime.datetime.now(UTC)
    made = client.assets.upload_asset(asset_data=source, file_created_at=now, file_modified_at=now)
    large = made.id
    try:
        content = source.read_bytes()
        assert len(content) > 1_000_000
        dest = tmp_path / "dest"

        def stop_after_the_first_bytes(progress: Progress) -> None:
            if progress.phase == "download" and progress.bytes_done > 0:
                raise Interrupted

        with pytest.raises(Interrupted):
            client.download(dest, asset_ids=[large], progress=stop_after_the_first_bytes)
        kept = _partial(dest, large).stat().st_size
        assert 0 < kept < len(content)
        assert _files(dest) == {_partial(dest, large)}

        result = client.download(dest, asset_ids=[large])
        assert dict(result.downloaded) == {large: dest / "large.jpg"}
        assert (dest / "large.jpg").read_bytes() == content
        assert _files(dest) == {dest / "large.jpg"}
        assert result.bytes_downloaded == len(content) - kept
    finally:
        client.assets.delete_assets(ids=[large], force=True)
