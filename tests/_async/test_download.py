"""Bulk download against the fake server (``tests/_sync/test_download.py`` is generated)."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich._async.download import download, download_archive
from immich._transfer.batches import BATCH_FILES, MIN_BATCHED
from immich._transfer.progress import Progress
from immich.models import AssetVisibility
from immich.testing import FakeImmich
from tests._async.conftest import Connect
from tests._async.recording import Hook, Recorder, body_json
from tests.helpers import person_json
from tests.streams import BrokenStream
from tests.testing._media import make_jpeg

JULY = datetime(2023, 7, 4, 12, 0, tzinfo=timezone.utc)
MARCH = datetime(2021, 3, 9, 8, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _private_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "hashes.sqlite3"


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def root(dest: Path) -> Path:
    """The destination as the results name it: resolved."""
    return dest.resolve()


def recorder(fake: FakeImmich, hook: Hook | None = None) -> Recorder:
    return Recorder(fake.async_transport(), hook=hook)


def originals(spy: Recorder) -> list[httpx.Request]:
    return spy.sent("GET", "/assets/*/original")


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_downloads_every_asset_with_its_original_name(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg") for i in range(3)]
    client = connect(fake.async_transport(), api_key=fake.api_key)

    result = await download(client, dest, hash_cache=cache)

    assert result.ok
    assert set(result.downloaded) == set(ids)
    assert files_under(dest) == {f"IMG_{i}.jpg": make_jpeg(i) for i in range(3)}
    assert result.bytes_downloaded == sum(len(make_jpeg(i)) for i in range(3))
    assert not [name for name in names_in(dest) if name.endswith(".part")]


async def test_a_second_run_skips_files_already_there(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg") for i in range(3)]
    await download(connect(fake.async_transport(), api_key=fake.api_key), dest, hash_cache=cache)
    spy = recorder(fake)

    again = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    assert again.downloaded == {}
    assert set(again.skipped) == set(ids)
    assert originals(spy) == []


async def test_existing_files_are_compared_by_sha1_not_by_name(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path, root: Path
) -> None:
    asset_id = fake.add_asset(make_jpeg(1), filename="IMG.jpg")
    (dest / "IMG.jpg").write_bytes(b"someone else's file")
    client = connect(fake.async_transport(), api_key=fake.api_key)

    kept = await download(client, dest, hash_cache=cache)
    assert kept.downloaded == {asset_id: root / "IMG (2).jpg"}
    assert (dest / "IMG.jpg").read_bytes() == b"someone else's file"

    (dest / "IMG (2).jpg").unlink()
    replaced = await download(client, dest, overwrite=True, hash_cache=cache)
    assert replaced.downloaded == {asset_id: root / "IMG.jpg"}
    assert (dest / "IMG.jpg").read_bytes() == make_jpeg(1)


async def test_assets_with_one_name_never_overwrite_each_other(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    for index in range(3):
        fake.add_asset(make_jpeg(index), filename="IMG.jpg")
    fake.add_asset(make_jpeg(10), filename="img.JPG")  # one file on a case-insensitive disk
    client = connect(fake.async_transport(), api_key=fake.api_key)

    result = await download(client, dest, concurrency=4, hash_cache=cache)

    assert len(result.downloaded) == 4
    contents = files_under(dest)
    assert len(contents) == 4
    assert sorted(contents.values()) == sorted(make_jpeg(i) for i in (0, 1, 2, 10))
    assert {name.casefold() for name in contents} == {
        "img.jpg",
        "img (2).jpg",
        "img (3).jpg",
        "img (4).jpg",
    }

    spy = recorder(fake)
    again = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)
    assert len(again.skipped) == 4
    assert originals(spy) == []


HOSTILE_NAMES = [
    "../../evil.jpg",
    "/etc/passwd.jpg",
    "C:\\Windows\\evil.jpg",
    "a/../b.jpg",
    "nul\x00byte.jpg",
    "x" * 300 + ".jpg",
    "CON.jpg",
    "..",
    unicodedata.normalize("NFC", "café.jpg"),
    unicodedata.normalize("NFD", "café.jpg"),
]


async def test_hostile_names_stay_inside_the_destination(
    fake: FakeImmich, connect: Connect, tmp_path: Path, dest: Path, cache: Path, root: Path
) -> None:
    for index, name in enumerate(HOSTILE_NAMES):
        fake.add_asset(make_jpeg(index), filename=name)
    client = connect(fake.async_transport(), api_key=fake.api_key)

    result = await download(client, dest, layout="{album}/{original}", hash_cache=cache)

    assert result.ok, result.failed
    assert len(result.downloaded) == len(HOSTILE_NAMES)
    for path in result.downloaded.values():
        assert path.parent == root
        assert len(path.name.encode()) <= 255
    names = names_in(root)
    assert {"evil.jpg", "passwd.jpg", "b.jpg", "nul_byte.jpg", "_CON.jpg", "file"} <= set(names)
    assert {"café.jpg", "café (2).jpg"} <= set(names)  # NFC/NFD twins: two files, one name
    assert set(names_in(tmp_path)) <= {"cache", "out", "xdg-cache"}


async def test_a_symlink_out_of_the_destination_is_not_written_through(
    fake: FakeImmich, connect: Connect, tmp_path: Path, dest: Path, cache: Path, root: Path
) -> None:
    outside = tmp_path / "precious.jpg"
    outside.write_bytes(b"do not touch")
    (dest / "evil.jpg").symlink_to(outside)
    asset_id = fake.add_asset(make_jpeg(1), filename="evil.jpg")

    result = await download(
        connect(fake.async_transport(), api_key=fake.api_key), dest, hash_cache=cache
    )

    assert outside.read_bytes() == b"do not touch"
    assert result.downloaded == {asset_id: root / "evil (2).jpg"}


async def test_album_year_month_layout(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path, root: Path
) -> None:
    in_trip = fake.add_asset(make_jpeg(1), filename="a.jpg", taken_at=JULY)
    in_both = fake.add_asset(make_jpeg(2), filename="b.jpg", taken_at=MARCH)
    loose = fake.add_asset(make_jpeg(3), filename="c.jpg", taken_at=MARCH)
    client = connect(fake.async_transport(), api_key=fake.api_key)
    await client.albums.create_album(album_name="Trip", asset_ids=[in_trip, in_both])
    await client.albums.create_album(album_name="Alpha", asset_ids=[in_both])

    result = await download(client, dest, layout="{album}/{yyyy}/{mm}", hash_cache=cache)

    assert result.downloaded == {
        in_trip: root / "Trip" / "2023" / "07" / "a.jpg",
        in_both: root / "Alpha" / "2021" / "03" / "b.jpg",  # the first album by name
        loose: root / "2021" / "03" / "c.jpg",  # in no album: that level is left out
    }


async def test_selectors(fake: FakeImmich, connect: Connect, dest: Path, cache: Path) -> None:
    old = fake.add_asset(make_jpeg(1), filename="old.jpg", taken_at=MARCH)
    new = fake.add_asset(make_jpeg(2), filename="new.jpg", taken_at=JULY, is_favorite=True)
    other = fake.add_asset(make_jpeg(3), filename="other.jpg", taken_at=JULY)
    client = connect(fake.async_transport(), api_key=fake.api_key)
    album = await client.albums.create_album(album_name="Trip", asset_ids=[old, new])

    async def chosen(**options: Any) -> set[str]:
        result = await download(client, dest, hash_cache=cache, **options)
        return set(result.downloaded) | set(result.skipped)

    assert await chosen(album="Trip") == {old, new}
    assert await chosen(album=album.id) == {old, new}
    assert await chosen(taken_after=datetime(2022, 1, 1, tzinfo=timezone.utc)) == {new, other}
    assert await chosen(taken_before=datetime(2022, 1, 1, tzinfo=timezone.utc)) == {old}
    assert await chosen(favorite=True) == {new}
    assert await chosen(asset_ids=[other, old]) == {other, old}
    assert await chosen(limit=1) in ({old}, {new}, {other})
    with pytest.raises(LookupError, match="no album"):
        await download(client, dest, album="Nope", hash_cache=cache)
    with pytest.raises(LookupError, match="no album"):
        await download(client, dest / "new", album="Nope", hash_cache=cache)
    assert not (dest / "new").exists()  # nothing made for a download that never began
    with pytest.raises(ValueError, match="asset_ids"):
        await download(client, dest, asset_ids=[old], album="Trip", hash_cache=cache)


async def test_unknown_asset_ids_are_reported_not_raised(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    real = fake.add_asset(make_jpeg(1), filename="a.jpg")
    missing = "00000000-0000-4000-8000-000000000042"
    client = connect(fake.async_transport(), api_key=fake.api_key)

    result = await download(client, dest, asset_ids=[real, missing], hash_cache=cache)

    assert set(result.downloaded) == {real}
    assert set(result.failed) == {missing}


async def test_person_by_name(fake: FakeImmich, connect: Connect, dest: Path, cache: Path) -> None:
    fake.add_asset(make_jpeg(1), filename="a.jpg")
    people = [person_json(1), {**person_json(2), "name": "Ann"}, {**person_json(3), "name": "ann"}]

    def answer_people(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/api/people":
            body = {"people": people, "total": 3, "hidden": 0, "hasNextPage": False}
            return httpx.Response(200, json=body)
        return None

    spy = recorder(fake, hook=answer_people)
    client = connect(spy, api_key=fake.api_key)

    await download(client, dest, person="Person 1", hash_cache=cache)
    (search,) = spy.sent("POST", "/search/metadata")
    assert body_json(search)["personIds"] == [people[0]["id"]]

    await download(client, dest, person="Ann", hash_cache=cache)  # exact beats folded
    assert body_json(spy.sent("POST", "/search/metadata")[-1])["personIds"] == [people[1]["id"]]
    with pytest.raises(LookupError, match="no person"):
        await download(client, dest, person="Bob", hash_cache=cache)
    people.append({**person_json(4), "name": "Ann"})
    with pytest.raises(LookupError, match="2 people"):
        await download(client, dest, person="Ann", hash_cache=cache)


async def test_smart_search_is_limited(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    ids = [fake.add_asset(make_jpeg(i), filename=f"{i}.jpg") for i in range(3)]

    def answer_smart(request: httpx.Request) -> httpx.Response | None:
        if request.url.path != "/api/search/smart":
            return None
        items = [fake.asset(asset_id) for asset_id in ids]
        assets = {"total": 3, "count": 3, "items": items, "facets": [], "nextPage": "2"}
        albums = {"total": 0, "count": 0, "items": [], "facets": []}
        return httpx.Response(200, json={"albums": albums, "assets": assets})

    spy = recorder(fake, hook=answer_smart)
    result = await download(
        connect(spy, api_key=fake.api_key), dest, query="beach", limit=2, hash_cache=cache
    )

    (search,) = spy.sent("POST", "/search/smart")
    assert body_json(search)["query"] == "beach"
    assert set(result.downloaded) == set(ids[:2])


async def test_a_partial_file_is_resumed_with_a_range_request(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = os.urandom(50_000)
    asset_id = fake.add_asset(data, filename="video.mp4")
    (dest / f".immich-{asset_id}.part").write_bytes(data[:20_000])
    spy = recorder(fake)

    result = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    (request,) = originals(spy)
    assert request.headers["range"] == "bytes=20000-"
    assert result.bytes_downloaded == 30_000
    assert (dest / "video.mp4").read_bytes() == data
    assert not (dest / f".immich-{asset_id}.part").exists()


async def test_a_stale_partial_file_is_replaced_by_a_full_download(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = os.urandom(50_000)
    asset_id = fake.add_asset(data, filename="video.mp4")
    (dest / f".immich-{asset_id}.part").write_bytes(os.urandom(20_000))
    spy = recorder(fake)

    result = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    assert result.ok
    assert [r.headers.get("range") for r in originals(spy)] == ["bytes=20000-", None]
    assert (dest / "video.mp4").read_bytes() == data


async def test_an_interrupted_download_keeps_its_part_and_the_next_run_resumes(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = os.urandom(600_000)
    asset_id = fake.add_asset(data, filename="clip.mov")

    def drop_midway(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/original"):
            headers = {"content-length": str(len(data)), "content-type": "video/quicktime"}
            return httpx.Response(200, headers=headers, stream=BrokenStream(data[:400_000]))
        return None

    broken = connect(recorder(fake, hook=drop_midway), api_key=fake.api_key)
    first = await download(broken, dest, hash_cache=cache)

    assert set(first.failed) == {asset_id}
    assert not (dest / "clip.mov").exists()
    kept = (dest / f".immich-{asset_id}.part").stat().st_size
    assert 0 < kept <= 400_000  # whole chunks that arrived before the connection broke

    spy = recorder(fake)
    second = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)
    assert second.ok
    assert originals(spy)[0].headers["range"] == f"bytes={kept}-"
    assert second.bytes_downloaded == len(data) - kept
    assert (dest / "clip.mov").read_bytes() == data


async def test_a_small_file_cut_short_is_tried_again_then_reported_and_not_kept(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = make_jpeg(3)  # small: asked for in one call, not streamed
    asset_id = fake.add_asset(data, filename="a.jpg")

    def drop_midway(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/original"):
            headers = {"content-length": str(len(data))}
            return httpx.Response(200, headers=headers, stream=BrokenStream(data[:100]))
        return None

    spy = recorder(fake, hook=drop_midway)
    client = connect(spy, api_key=fake.api_key)
    result = await download(client, dest, hash_cache=cache)

    assert set(result.failed) == {asset_id}
    assert len(originals(spy)) == 1 + client.max_retries
    assert names_in(dest) == []  # neither the file nor a part of it


async def test_a_download_that_does_not_match_the_checksum_is_not_kept(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = make_jpeg(1)
    asset_id = fake.add_asset(data, filename="a.jpg")

    def corrupt(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/original"):
            return httpx.Response(200, content=bytes(len(data)))
        return None

    result = await download(
        connect(recorder(fake, hook=corrupt), api_key=fake.api_key), dest, hash_cache=cache
    )

    assert set(result.failed) == {asset_id}
    assert "SHA-1" in result.failed[asset_id]
    assert files_under(dest) == {}
    assert names_in(dest) == []


def archives(spy: Recorder) -> list[httpx.Request]:
    return spy.sent("POST", "/download/archive")


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_many_small_files_come_in_archives(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    count = BATCH_FILES + 20
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg") for i in range(count)]
    spy = recorder(fake)
    events: list[Progress] = []

    result = await download(
        connect(spy, api_key=fake.api_key), dest, hash_cache=cache, progress=events.append
    )

    assert result.ok
    assert set(result.downloaded) == set(ids)
    assert files_under(dest) == {f"IMG_{i}.jpg": make_jpeg(i) for i in range(count)}
    assert originals(spy) == []
    asked = [body_json(request)["assetIds"] for request in archives(spy)]
    assert sorted(len(batch) for batch in asked) == [20, BATCH_FILES]
    assert sorted(asset for batch in asked for asset in batch) == sorted(ids)
    assert all(body_json(request)["edited"] is False for request in archives(spy))
    total = sum(len(make_jpeg(i)) for i in range(count))
    assert result.bytes_downloaded == total
    assert (events[-1].files_done, events[-1].bytes_done) == (count, total)
    assert not [name for name in names_in(dest) if name.endswith(".part")]
    # The hash cache knows the files: a second run reads none of them.
    again = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)
    assert set(again.skipped) == set(ids)


async def test_a_few_small_files_are_fetched_one_by_one(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    for index in range(MIN_BATCHED - 1):
        fake.add_asset(make_jpeg(index), filename=f"IMG_{index}.jpg")
    spy = recorder(fake)

    result = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    assert result.ok
    assert archives(spy) == []
    assert len(originals(spy)) == MIN_BATCHED - 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(404, json={"message": "Not Found", "statusCode": 404}),
        httpx.Response(200, content=b"this is not a zip archive"),
    ],
    ids=["refused", "not-a-zip"],
)
async def test_without_a_usable_archive_each_file_is_fetched_on_its_own(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path, answer: httpx.Response
) -> None:
    count = MIN_BATCHED + 2
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg") for i in range(count)]

    def no_archive(request: httpx.Request) -> httpx.Response | None:
        return answer if request.url.path.endswith("/download/archive") else None

    spy = recorder(fake, hook=no_archive)
    result = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    assert result.ok
    assert set(result.downloaded) == set(ids)
    assert len(archives(spy)) == 1
    assert len(originals(spy)) == count
    assert files_under(dest) == {f"IMG_{i}.jpg": make_jpeg(i) for i in range(count)}


async def test_archive_entries_are_matched_by_content_and_the_rest_fetched_alone(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    count = MIN_BATCHED + 4
    data = {
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg"): make_jpeg(i) for i in range(count)
    }
    ids = list(data)
    missing, damaged = ids[0], ids[1]

    def shuffled_archive(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/download/archive"):
            return None
        # Other names, another order, one entry left out and one with other bytes.
        entries = {f"renamed-{n}.jpg": data[i] for n, i in enumerate(reversed(ids[2:]))}
        entries["damaged.jpg"] = data[damaged][:-10] + bytes(10)
        entries["extra.mov"] = b"a live photo's video, asked for by no one"
        return httpx.Response(200, content=zipped(entries))

    spy = recorder(fake, hook=shuffled_archive)
    result = await download(connect(spy, api_key=fake.api_key), dest, hash_cache=cache)

    assert result.ok
    assert sorted(request.url.path.split("/")[-2] for request in originals(spy)) == sorted(
        [missing, damaged]
    )
    assert files_under(dest) == {f"IMG_{i}.jpg": make_jpeg(i) for i in range(count)}


async def test_progress_and_the_client_entry_points(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    sizes = [len(make_jpeg(i)) for i in range(2)]
    for index in range(2):
        fake.add_asset(make_jpeg(index), filename=f"{index}.jpg")
    client = connect(fake.async_transport(), api_key=fake.api_key)
    events: list[Progress] = []

    result = await client.download(dest, progress=events.append, hash_cache=cache)

    assert len(result.downloaded) == 2
    last = events[-1]
    assert (last.phase, last.files_done, last.files_total) == ("download", 2, 2)
    assert last.bytes_done == last.bytes_total == sum(sizes)
    again = await client.assets.download(dest, hash_cache=cache)
    assert len(again.skipped) == 2
    # The download group keeps its endpoints.
    info = await client.download.get_download_info(asset_ids=list(result.downloaded))
    assert info.total_size == sum(sizes)


async def test_archives_are_streamed_to_zip_files(
    fake: FakeImmich, connect: Connect, dest: Path, root: Path
) -> None:
    ids = [fake.add_asset(make_jpeg(i), filename=f"{i}.jpg") for i in range(4)]
    client = connect(fake.async_transport(), api_key=fake.api_key)

    everything = await download_archive(client, dest)
    assert everything == [root / "immich.zip"]
    with zipfile.ZipFile(everything[0]) as archive:
        assert sorted(archive.namelist()) == [f"{i}.jpg" for i in range(4)]
        assert archive.read("2.jpg") == make_jpeg(2)

    events: list[Progress] = []
    split = await client.assets.download_archive(
        dest, asset_ids=ids, archive_size=len(make_jpeg(0)), progress=events.append
    )
    assert len(split) > 1
    assert [p.name for p in split][:2] == ["immich-1.zip", "immich-2.zip"]
    assert events[-1].files_done == len(split)

    await client.albums.create_album(album_name="Trip/2023", asset_ids=ids[:2])
    (trip,) = await client.download.archive(dest, album="Trip/2023")
    assert trip == root / "2023.zip"  # the album's name made one safe file name
    again = await download_archive(client, dest)
    assert again == [root / "immich (2).zip"]


async def test_over_a_real_socket(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    data = os.urandom(1_500_000)
    asset_id = fake.add_asset(data, filename="clip.mp4")
    (dest / f".immich-{asset_id}.part").write_bytes(data[:500_000])
    with fake.serve() as url:
        client = connect(None, base_url=url, api_key=fake.api_key)
        result = await download(client, dest, hash_cache=cache)
        archives = await download_archive(client, dest / "zips")
    assert result.ok
    assert result.bytes_downloaded == 1_000_000  # resumed
    assert (dest / "clip.mp4").read_bytes() == data
    with zipfile.ZipFile(archives[0]) as archive:
        assert archive.read("clip.mp4") == data


def as_release_2_7(fake: FakeImmich) -> Hook:
    """The fake as a 2.7.5 server: its version, and its metadata search, which without a
    visibility finds the timeline's assets only."""
    blocking = fake.transport()

    def hook(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/api/server/version":
            return httpx.Response(200, json={"major": 2, "minor": 7, "patch": 5})
        if request.url.path == "/api/search/metadata" and "visibility" not in body_json(request):
            body = {**body_json(request), "visibility": "timeline"}
            headers = {k: v for k, v in request.headers.items() if k != "content-length"}
            answer = blocking.handle_request(
                httpx.Request("POST", request.url, headers=headers, json=body)
            )
            return httpx.Response(answer.status_code, headers=answer.headers, content=answer.read())
        return None

    return hook


async def test_a_2x_backup_holds_archived_and_hidden_assets(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    """2.x searches the timeline alone unless asked for a visibility: the download asks for
    each, so nothing but locked assets is left out."""
    shown = fake.add_asset(make_jpeg(1), filename="shown.jpg", taken_at=JULY)
    archived = fake.add_asset(make_jpeg(2), filename="archived.jpg", taken_at=JULY)
    spy = recorder(fake, hook=as_release_2_7(fake))
    client = connect(spy, api_key=fake.api_key)
    with pytest.warns(DeprecationWarning, match="update_assets"):  # (no other way in 3.0.3)
        await client.assets.update_assets(ids=[archived], visibility=AssetVisibility.ARCHIVE)
    result = await download(client, dest, hash_cache=cache)
    assert set(result.downloaded) == {shown, archived}
    searched = [body_json(r).get("visibility") for r in spy.sent("POST", "/search/metadata")]
    assert searched == ["timeline", "archive", "hidden"]


async def test_a_3x_backup_searches_once(
    fake: FakeImmich, connect: Connect, dest: Path, cache: Path
) -> None:
    fake.add_asset(make_jpeg(1), filename="shown.jpg", taken_at=JULY)
    spy = recorder(fake)
    client = connect(spy, api_key=fake.api_key)
    await download(client, dest, hash_cache=cache)
    searched = [body_json(r).get("visibility") for r in spy.sent("POST", "/search/metadata")]
    assert searched == [None]
