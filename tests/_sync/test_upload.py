"""Bulk upload against the fake server (``tests/_sync/test_upload.py`` is generated)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from immich import AuthenticationError
from immich._sync import upload as upload_module
from immich._sync.upload import upload
from immich._transfer.hash_cache import sha1_file
from immich._transfer.progress import Progress, ProgressFile
from immich.models.asset_visibility import AssetVisibility
from immich.testing import FakeImmich
from tests._sync.conftest import Connect
from tests._sync.recording import Hook, Recorder, SimulatedCrash, body_json
from tests.helpers import multipart_parts
from tests.testing._media import make_jpeg


@pytest.fixture(autouse=True)
def _private_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Whatever a test forgets, nothing lands in the real user's cache folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "hashes.sqlite3"


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    return folder


def photo(path: Path, index: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_jpeg(index))
    return path


def blob(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def recorder(fake: FakeImmich, hook: Hook | None = None, keep_bodies: bool = False) -> Recorder:
    return Recorder(fake.transport(), hook=hook, keep_bodies=keep_bodies)


def upload_named(request: httpx.Request, name: str) -> bool:
    return (
        request.method == "POST"
        and request.url.path == "/api/assets"
        and f'filename="{name}"'.encode() in request.content
    )


def test_uploads_a_folder_and_reports_each_file(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    b = photo(photos / "sub" / "b.jpg", 2)
    notes = blob(photos / "notes.txt", b"not a photo")
    photo(photos / ".hidden.jpg", 3)
    photo(photos / ".private" / "c.jpg", 4)
    client = connect(fake.transport(), api_key=fake.api_key)

    result = upload(client, photos, hash_cache=cache)

    assert set(result.uploaded) == {a, b}
    assert result.unsupported == (notes,)
    assert result.duplicates == {}
    assert result.ok
    assert result.bytes_uploaded == a.stat().st_size + b.stat().st_size
    assert sorted(fake.asset_ids()) == sorted(result.uploaded.values())
    assert fake.asset(result.uploaded[a])["originalFileName"] == "a.jpg"
    assert fake.asset_bytes(result.uploaded[b]) == b.read_bytes()
    assert json.loads(json.dumps(result.to_dict()))["uploaded"][str(a)] == result.uploaded[a]


def test_hidden_and_non_recursive_on_request(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    photo(photos / "sub" / "b.jpg", 2)
    hidden = photo(photos / ".hidden.jpg", 3)
    inner = photo(photos / ".private" / "c.jpg", 4)
    client = connect(fake.transport(), api_key=fake.api_key)

    flat = upload(client, photos, recursive=False, dry_run=True, hash_cache=cache)
    assert flat.would_upload == (a,)
    everything = upload(client, photos, include_hidden=True, dry_run=True, hash_cache=cache)
    assert {hidden, inner} < set(everything.would_upload)
    assert len(everything.would_upload) == 4


def test_ignore_patterns(fake: FakeImmich, connect: Connect, photos: Path, cache: Path) -> None:
    keep = photo(photos / "keep.jpg", 1)
    photo(photos / "raw" / "x.jpg", 2)
    nested = photo(photos / "deep" / "raw" / "y.jpg", 3)
    photo(photos / "deep" / "@eaDir" / "z.jpg", 4)
    photo(photos / "deep" / "skip_me.jpg", 5)
    client = connect(fake.transport(), api_key=fake.api_key)

    result = upload(client, photos, ignore=["/raw", "@eaDir/", "skip_*"], hash_cache=cache)

    assert set(result.uploaded) == {keep, nested}


def test_a_second_run_finds_duplicates_without_uploading(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    for index in range(3):
        photo(photos / f"{index}.jpg", index)
    client = connect(fake.transport(), api_key=fake.api_key)
    first = upload(client, photos, hash_cache=cache)

    spy = recorder(fake)
    second = upload(connect(spy, api_key=fake.api_key), photos, hash_cache=cache)

    assert second.uploaded == {}
    assert second.duplicates == first.uploaded
    assert spy.uploads == []
    assert second.bytes_uploaded == 0
    assert len(fake.asset_ids()) == 3


def test_the_hash_cache_spares_reading_unchanged_files(
    fake: FakeImmich,
    connect: Connect,
    photos: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for index in range(4):
        photo(photos / f"{index}.jpg", index)
    hashed: list[Path] = []

    def counting_sha1(path: str | os.PathLike[str]) -> bytes:
        hashed.append(Path(path))
        return sha1_file(path)

    monkeypatch.setattr(upload_module, "sha1_file", counting_sha1)
    client = connect(fake.transport(), api_key=fake.api_key)

    upload(client, photos, hash_cache=cache)
    assert len(hashed) == 4
    hashed.clear()
    upload(client, photos, hash_cache=cache)
    assert hashed == []

    # A changed file is read again; the others still are not.
    changed = photo(photos / "1.jpg", 99)
    os.utime(changed, ns=(1, 1))
    upload(client, photos, hash_cache=cache)
    assert hashed == [changed]

    hashed.clear()
    upload(client, photos, hash_cache=False)
    assert len(hashed) == 4


def test_each_upload_carries_its_checksum_times_and_options(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    when = datetime(2019, 3, 2, 1, 0, tzinfo=timezone.utc)
    os.utime(a, (when.timestamp(), when.timestamp()))
    spy = recorder(fake, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)

    result = upload(
        client,
        [a],
        favorite=True,
        visibility=AssetVisibility.ARCHIVE,
        hash_cache=cache,
    )

    (request,) = spy.uploads
    assert request.headers["x-immich-checksum"] == hashlib.sha1(a.read_bytes()).hexdigest()
    parts = multipart_parts(request)
    assert parts["fileModifiedAt"].data.decode().startswith("2019-03-02T01:00:00")
    assert parts["fileCreatedAt"].data.decode().startswith("2019-03-02T01:00:00")
    asset = fake.asset(result.uploaded[a])
    assert asset["isFavorite"] is True
    assert asset["visibility"] == "archive"
    assert asset["fileModifiedAt"].startswith("2019-03-02T01:00:00")


def test_names_reach_the_server_as_they_are(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    # A multipart file name cannot carry them: httpx (as browsers do) escapes '"' and
    # control characters (%22, %0A), and Immich cuts the name at a backslash. The
    # ``filename`` field carries the name as it is.
    names = ['Mom\'s "best".jpg', "back\\slash.jpg", "new\nline.jpg", "tab\there.jpg"]
    files = [photo(photos / name, index) for index, name in enumerate(names, 1)]
    plain = photo(photos / "plain name é.jpg", 5)
    spy = recorder(fake, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, photos, hash_cache=cache)

    assert set(result.uploaded) == {*files, plain}
    for path in [*files, plain]:
        assert fake.asset(result.uploaded[path])["originalFileName"] == path.name
    fields = [multipart_parts(request).get("filename") for request in spy.uploads]
    assert sorted(part.data.decode() for part in fields if part is not None) == sorted(names)
    # A name the multipart header carries intact goes there only.
    assert fields.count(None) == 1


def test_a_file_with_a_sidecar_keeps_the_filename_field_out(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    # Immich judges every file part by the filename field: with it, the .xmp part would
    # be refused as "Unsupported file type x.jpg".
    still = photo(photos / 'say "cheese".jpg', 1)
    blob(photos / 'say "cheese".jpg.xmp', b"<x:xmpmeta/>")
    spy = recorder(fake, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, photos, hash_cache=cache)

    assert set(result.uploaded) == {still}
    (request,) = spy.uploads
    parts = multipart_parts(request)
    assert "sidecarData" in parts
    assert "filename" not in parts


def test_files_are_streamed_and_timeouts_scale_with_size(
    fake: FakeImmich,
    connect: Connect,
    photos: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    big = blob(photos / "big.jpg", os.urandom(3 * 1024 * 1024))
    read_sizes: list[int | None] = []

    class RecordingFile(ProgressFile):
        def read(self, size: int | None = -1) -> bytes:
            read_sizes.append(size)
            return super().read(size)

    monkeypatch.setattr(upload_module, "ProgressFile", RecordingFile)
    spy = recorder(fake)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, [big], hash_cache=cache)

    assert big in result.uploaded
    assert read_sizes
    assert all(size is not None and 0 < size <= 1024 * 1024 for size in read_sizes)
    timeout = spy.uploads[0].extensions["timeout"]
    assert timeout["write"] == pytest.approx(60 + big.stat().st_size / 1_000_000)
    assert timeout["connect"] == 10

    fixed = upload(client, [photo(photos / "x.jpg", 5)], timeout=7.5, hash_cache=cache)
    assert fixed.ok
    assert spy.uploads[-1].extensions["timeout"]["read"] == 7.5


def test_sidecars_go_along(fake: FakeImmich, connect: Connect, photos: Path, cache: Path) -> None:
    a = photo(photos / "a.jpg", 1)
    blob(photos / "a.jpg.xmp", b"<xmp>a</xmp>")
    b = photo(photos / "b.jpg", 2)
    blob(photos / "b.xmp", b"<xmp>b</xmp>")
    c = photo(photos / "c.jpg", 3)
    spy = recorder(fake, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, photos, hash_cache=cache)

    assert set(result.uploaded) == {a, b, c}
    assert result.unsupported == ()  # sidecars are not "unsupported"
    sidecars = {}
    for request in spy.uploads:
        parts = multipart_parts(request)
        sidecar = parts.get("sidecarData")
        sidecars[parts["assetData"].filename] = sidecar.data if sidecar else None
    assert sidecars == {"a.jpg": b"<xmp>a</xmp>", "b.jpg": b"<xmp>b</xmp>", "c.jpg": None}


def test_sidecars_of_named_files_are_found_too(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    blob(photos / "a.xmp", b"<xmp/>")
    spy = recorder(fake, keep_bodies=True)

    upload(connect(spy, api_key=fake.api_key), [a], hash_cache=cache)

    assert multipart_parts(spy.uploads[0])["sidecarData"].data == b"<xmp/>"


def test_live_photos_upload_the_video_first_and_link_the_still(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    for index in range(4):
        photo(photos / f"other{index}.jpg", index)
    still = blob(photos / "IMG_0001.HEIC", os.urandom(2000))
    video = blob(photos / "IMG_0001.MOV", os.urandom(5000))
    spy = recorder(fake, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, photos, concurrency=4, hash_cache=cache)

    names = [multipart_parts(r)["assetData"].filename for r in spy.uploads]
    assert names.index("IMG_0001.MOV") < names.index("IMG_0001.HEIC")
    still_request = spy.uploads[names.index("IMG_0001.HEIC")]
    linked = multipart_parts(still_request)["livePhotoVideoId"].data.decode()
    assert linked == result.uploaded[video]
    assert still in result.uploaded


def test_albums_are_found_by_name_and_get_duplicates_too(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    client = connect(fake.transport(), api_key=fake.api_key)
    trip = client.albums.create_album(album_name="Trip")
    old = photo(photos / "old.jpg", 1)
    old_id = fake.add_asset(old.read_bytes(), filename="old.jpg")
    new = photo(photos / "new.jpg", 2)
    spy = recorder(fake)

    result = upload(connect(spy, api_key=fake.api_key), photos, album="Trip", hash_cache=cache)

    assert spy.sent("POST", "/albums") == []
    assert result.albums == {"Trip": trip.id}
    in_album = {a.id for a in client.search.iter_assets(album_ids=[trip.id])}
    assert in_album == {old_id, result.uploaded[new]}
    albums = client.albums.get_all_albums()
    assert [a.album_name for a in albums] == ["Trip"]


def test_a_missing_album_is_created_once_and_filled_in_batches(
    fake: FakeImmich,
    connect: Connect,
    photos: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(upload_module, "ALBUM_BATCH", 2)
    for index in range(5):
        photo(photos / f"{index}.jpg", index)
    spy = recorder(fake)
    client = connect(spy, api_key=fake.api_key)

    result = upload(client, photos, album="New", hash_cache=cache)

    assert len(spy.sent("POST", "/albums")) == 1
    assert len(spy.sent("PUT", "/albums/*/assets")) == 3
    info = client.albums.get_album_info(result.albums["New"])
    assert info.asset_count == 5

    again = upload(client, photos, album="New", hash_cache=cache)
    assert again.albums == result.albums
    assert len(spy.sent("POST", "/albums")) == 1


def test_album_from_folder(fake: FakeImmich, connect: Connect, photos: Path, cache: Path) -> None:
    photo(photos / "Paris" / "a.jpg", 1)
    photo(photos / "Paris" / "b.jpg", 2)
    photo(photos / "Rome" / "c.jpg", 3)
    blob(photos / "Rome" / "live.heic", os.urandom(100))
    blob(photos / "Rome" / "live.mov", os.urandom(200))
    client = connect(fake.transport(), api_key=fake.api_key)

    result = upload(client, photos, album_from_folder=True, hash_cache=cache)

    assert set(result.albums) == {"Paris", "Rome"}
    paris = client.albums.get_album_info(result.albums["Paris"])
    rome = client.albums.get_album_info(result.albums["Rome"])
    assert paris.asset_count == 2
    assert rome.asset_count == 2  # c.jpg and the live photo's still, not its video


def test_album_and_album_from_folder_exclude_each_other(
    fake: FakeImmich, connect: Connect, photos: Path
) -> None:
    client = connect(fake.transport(), api_key=fake.api_key)
    with pytest.raises(ValueError, match="album"):
        upload(client, photos, album="x", album_from_folder=True)


def test_dry_run_uploads_creates_and_deletes_nothing(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    dup = photo(photos / "dup.jpg", 2)
    dup_id = fake.add_asset(dup.read_bytes(), filename="dup.jpg")
    spy = recorder(fake)

    result = upload(
        connect(spy, api_key=fake.api_key),
        photos,
        dry_run=True,
        album="Never",
        delete_uploaded=True,
        delete_duplicates=True,
        hash_cache=cache,
    )

    assert result.dry_run
    assert result.would_upload == (a,)
    assert result.uploaded == {}
    assert result.duplicates == {dup: dup_id}
    assert spy.uploads == []
    assert spy.sent("POST", "/albums") == []
    assert a.exists()
    assert dup.exists()
    assert fake.asset_ids() == [dup_id]


def test_the_server_is_asked_in_batches(
    fake: FakeImmich,
    connect: Connect,
    photos: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(upload_module, "CHECK_BATCH", 2)
    for index in range(5):
        photo(photos / f"{index}.jpg", index)
    spy = recorder(fake)

    result = upload(connect(spy, api_key=fake.api_key), photos, hash_cache=cache)

    checks = spy.sent("POST", "/assets/bulk-upload-check")
    assert [len(body_json(r)["assets"]) for r in checks] == [2, 2, 1]
    assert len(result.uploaded) == 5


def test_delete_uploaded_deletes_only_what_the_server_confirmed(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    good = photo(photos / "good.jpg", 1)
    sidecar = blob(photos / "good.jpg.xmp", b"<xmp/>")
    bad = photo(photos / "bad.jpg", 2)
    notes = blob(photos / "notes.txt", b"text")

    def refuse_bad(request: httpx.Request) -> httpx.Response | None:
        if upload_named(request, "bad.jpg"):
            return httpx.Response(400, json={"message": "corrupt file", "statusCode": 400})
        return None

    client = connect(recorder(fake, hook=refuse_bad), api_key=fake.api_key)

    result = upload(client, photos, delete_uploaded=True, hash_cache=cache)

    assert set(result.uploaded) == {good}
    assert result.failed == {bad: "corrupt file"}
    assert not result.ok
    assert set(result.deleted) == {good, sidecar}
    assert not good.exists()
    assert not sidecar.exists()
    assert bad.exists()
    assert notes.exists()


def test_delete_duplicates_spares_copies_in_the_servers_trash(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    dup = photo(photos / "dup.jpg", 1)
    trashed = photo(photos / "trashed.jpg", 2)
    new = photo(photos / "new.jpg", 3)
    dup_id = fake.add_asset(dup.read_bytes(), filename="dup.jpg")
    trashed_id = fake.add_asset(trashed.read_bytes(), filename="trashed.jpg")
    client = connect(fake.transport(), api_key=fake.api_key)
    client.assets.delete_assets(ids=[trashed_id])

    result = upload(client, photos, delete_duplicates=True, hash_cache=cache)

    assert result.duplicates == {dup: dup_id, trashed: trashed_id}
    assert result.deleted == (dup,)
    assert not dup.exists()
    assert trashed.exists()
    assert new.exists()  # uploaded, but delete_uploaded was not asked


def test_unsupported_format_is_neither_duplicate_nor_deleted(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    odd = photo(photos / "odd.jpg", 1)
    fine = photo(photos / "fine.jpg", 2)
    odd_sum = hashlib.sha1(odd.read_bytes()).hexdigest()

    def refuse_odd(request: httpx.Request) -> httpx.Response | None:
        if request.url.path != "/api/assets/bulk-upload-check":
            return None
        results = []
        for item in body_json(request)["assets"]:
            if item["checksum"] == odd_sum:
                reject = {"action": "reject", "reason": "unsupported-format"}
                results.append({"id": item["id"], **reject})
            else:
                results.append({"id": item["id"], "action": "accept"})
        return httpx.Response(200, json={"results": results})

    client = connect(recorder(fake, hook=refuse_odd), api_key=fake.api_key)

    result = upload(client, photos, delete_uploaded=True, delete_duplicates=True, hash_cache=cache)

    assert result.unsupported == (odd,)
    assert odd not in result.duplicates
    assert set(result.uploaded) == {fine}
    assert result.deleted == (fine,)
    assert odd.exists()


def test_an_interrupted_run_keeps_state_and_a_rerun_uploads_the_rest(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    files = [photo(photos / f"{index}.jpg", index) for index in range(6)]
    seen_uploads = 0

    def crash_on_third_upload(request: httpx.Request) -> httpx.Response | None:
        nonlocal seen_uploads
        if request.method == "POST" and request.url.path == "/api/assets":
            seen_uploads += 1
            if seen_uploads == 3:
                raise SimulatedCrash
        return None

    crashing = connect(recorder(fake, hook=crash_on_third_upload), api_key=fake.api_key)
    with pytest.raises(SimulatedCrash):
        upload(crashing, photos, concurrency=1, delete_uploaded=True, hash_cache=cache)

    on_server = fake.asset_ids()
    assert len(on_server) == 2
    # Only the two confirmed files were deleted; every hash was committed.
    assert sum(f.exists() for f in files) == 4
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM sha1").fetchone()[0] == 6

    spy = recorder(fake)
    result = upload(connect(spy, api_key=fake.api_key), photos, hash_cache=cache)

    assert len(result.uploaded) == 4
    assert len(spy.uploads) == 4
    assert len(fake.asset_ids()) == 6


def test_an_interruption_with_uploads_in_flight_stops_them(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    for index in range(12):
        photo(photos / f"{index}.jpg", index)
    seen_uploads = 0

    def crash_on_fourth(request: httpx.Request) -> httpx.Response | None:
        nonlocal seen_uploads
        if request.method == "POST" and request.url.path == "/api/assets":
            seen_uploads += 1
            if seen_uploads == 4:
                raise SimulatedCrash
            if seen_uploads > 4:
                # Time for the crash to stop the run: on threads, the other workers
                # could otherwise take every file left before it is noticed.
                time.sleep(0.05)
        return None

    crashing = connect(recorder(fake, hook=crash_on_fourth), api_key=fake.api_key)
    with pytest.raises(SimulatedCrash):
        upload(crashing, photos, concurrency=3, hash_cache=cache)
    assert seen_uploads < 12

    result = upload(connect(fake.transport(), api_key=fake.api_key), photos, hash_cache=cache)
    assert len(result.uploaded) + len(result.duplicates) == 12
    assert len(fake.asset_ids()) == 12


def test_a_refused_api_key_stops_the_run(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    photo(photos / "a.jpg", 1)
    client = connect(fake.transport(), api_key="not-the-key")
    with pytest.raises(AuthenticationError):
        upload(client, photos, hash_cache=cache)


def test_progress_reports_every_phase(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    sizes = [photo(photos / f"{index}.jpg", index).stat().st_size for index in range(3)]
    events: list[Progress] = []
    client = connect(fake.transport(), api_key=fake.api_key)

    upload(client, photos, album="P", progress=events.append, hash_cache=cache)

    assert [p for p in dict.fromkeys(e.phase for e in events)] == [
        "hash",
        "check",
        "upload",
        "album",
    ]
    last = [e for e in events if e.phase == "upload"][-1]
    assert (last.files_done, last.files_total) == (3, 3)
    assert last.bytes_done == last.bytes_total == sum(sizes)


def test_reachable_from_the_client_and_the_assets_group(
    fake: FakeImmich, connect: Connect, photos: Path, cache: Path
) -> None:
    a = photo(photos / "a.jpg", 1)
    client = connect(fake.transport(), api_key=fake.api_key)

    first = client.upload(photos, hash_cache=cache)
    second = client.assets.upload([a], hash_cache=cache)

    assert set(first.uploaded) == {a}
    assert second.duplicates == first.uploaded


def test_files_are_hashed_concurrently_on_threads(
    fake: FakeImmich,
    connect: Connect,
    photos: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for index in range(8):
        photo(photos / f"{index}.jpg", index)
    lock = threading.Lock()
    running = 0
    peak = 0

    def slow_sha1(path: str | os.PathLike[str]) -> bytes:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)  # a blocking read: must not hold up the others
        with lock:
            running -= 1
        return sha1_file(path)

    monkeypatch.setattr(upload_module, "sha1_file", slow_sha1)
    client = connect(fake.transport(), api_key=fake.api_key)

    result = upload(client, photos, concurrency=4, dry_run=True, hash_cache=cache)

    assert len(result.would_upload) == 8
    assert peak > 1


def test_over_a_real_socket(fake: FakeImmich, connect: Connect, photos: Path, cache: Path) -> None:
    files = [photo(photos / f"{index}.jpg", index) for index in range(3)]
    blob(photos / "0.jpg.xmp", b"<xmp/>")
    big = blob(photos / "big.mp4", os.urandom(2 * 1024 * 1024))
    with fake.serve() as url:
        client = connect(None, base_url=url, api_key=fake.api_key)
        result = upload(client, photos, album="Socket", hash_cache=cache)
    assert set(result.uploaded) == {*files, big}
    assert fake.asset_bytes(result.uploaded[big]) == big.read_bytes()
