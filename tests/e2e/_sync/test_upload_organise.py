"""What an upload organises on the real server: stacks (RAW under JPEG, a live photo
beside its RAW, files already there), tags that stick, dates from names, waiting.

A "RAW" here is a TIFF named ``.DNG`` (DNG is TIFF inside): the server reads and
thumbnails it as a RAW, and Pillow can make it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PIL import Image

from immich import Client
from tests.e2e._sync.polling import eventually
from tests.e2e.corpus import jpeg, video

UTC = datetime.timezone.utc


def dng(path: Path, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 48), (seed % 256, 90, 160)).save(path, "TIFF")
    return path


def photo(path: Path, seed: int, taken: datetime.datetime | None = None) -> Path:
    jpeg(path, seed=seed, taken=taken)
    return path


def _tags(client: Client, asset_id: str) -> set[str]:
    return {t.value for t in (client.assets.get_asset_info(asset_id)).tags or []}


def _own_jobs_done(admin: Client, asset_ids: set[str]) -> None:
    """Until no job of the sidecar or metadata queues concerns these assets, twice in a
    row: a tag edit's sidecar write, and the metadata job it queues."""
    quiet = 0

    def done() -> bool:
        nonlocal quiet
        for queue in ("sidecar", "metadataExtraction"):
            jobs = admin.queues.get_queue_jobs(
                queue, status=["active", "waiting", "delayed", "paused"]
            )
            if any(job.data.get("id") in asset_ids for job in jobs):
                quiet = 0
                return False
        quiet += 1
        return quiet >= 2

    eventually(done, what="the jobs of the tag edits", timeout=120)


def test_raw_stacks_and_files_already_there(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Camera"
    jpg = photo(root / "IMG_0001.JPG", 8400)
    raw = dng(root / "IMG_0001.DNG", 1)
    lone = photo(root / "IMG_0002.JPG", 8401)
    still = photo(root / "IMG_0003.JPG", 8402)
    mov = root / "IMG_0003.MOV"
    video(mov, seed=3)
    raw3 = dng(root / "IMG_0003.DNG", 3)

    result = client.upload(root, stack=True, hash_cache=False)

    assert result.ok, result
    assert sorted(result.stacks.values()) == sorted([(jpg, raw), (still, raw3)])
    ids = result.uploaded
    for top, under in ((jpg, raw), (still, raw3)):
        info = client.assets.get_asset_info(ids[under])
        assert info.stack.primary_asset_id == ids[top]
        assert info.stack.asset_count == 2
        stack = client.stacks.get_stack(info.stack.id)
        assert stack.assets[0].id == ids[top]
    assert (client.assets.get_asset_info(ids[lone])).stack is None
    live = client.assets.get_asset_info(ids[still])
    assert live.live_photo_video_id == ids[mov]  # the RAW beside it did not break the pair

    again = client.upload(root, stack=True, hash_cache=False)
    assert again.uploaded == {}
    assert again.stacks == result.stacks  # found as they are, not made again


def test_tags_stick(client: Client, admin: Client, tmp_path: Path) -> None:
    """Applied once the server has processed each file, each asset in one request: on
    3.0.3 tag edits that overlap an asset's jobs can be lost. They are all there once
    the jobs the tagging queued have run."""
    root = tmp_path / "Pictures"
    rome = [photo(root / "Trips" / "Rome" / f"r{n}.jpg", 8500 + n) for n in range(3)]
    paris = photo(root / "Trips" / "Paris" / "p.jpg", 8510)
    top = photo(root / "top.jpg", 8511)

    result = client.upload(
        root, tags=["E2E Imported", "E2E Family/Smiths"], tags_from_folders=True, hash_cache=False
    )

    assert result.ok, result
    ids = result.uploaded
    expected = {
        **{p: {"E2E Imported", "E2E Family/Smiths", "Trips/Rome"} for p in rome},
        paris: {"E2E Imported", "E2E Family/Smiths", "Trips/Paris"},
        top: {"E2E Imported", "E2E Family/Smiths"},
    }
    assert {p: set(t) for p, t in result.tags.items()} == expected
    for path, tags in expected.items():
        assert _tags(client, ids[path]) == tags
    _own_jobs_done(admin, set(ids.values()))
    for path, tags in expected.items():
        assert _tags(client, ids[path]) == tags, path
    values = {t.value: t for t in client.tags.get_all_tags()}
    assert values["Trips/Rome"].parent_id == values["Trips"].id


def test_dates_from_names(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Phone"
    named = photo(root / "IMG_20240501_102030.jpg", 8600)
    whatsapp = photo(root / "IMG-20230102-WA0007.jpg", 8601)
    exif_taken = datetime.datetime(2021, 6, 1, 10, 20, 30)
    inside = photo(root / "IMG_20240501_111111.jpg", 8602, taken=exif_taken)
    plain = photo(root / "holiday.jpg", 8603)

    result = client.upload(root, date_from_name=True, hash_cache=False)

    assert result.ok, result
    dates = result.dates
    assert (dates[named].source, dates[named].rule) == ("name", "date-time")
    assert dates[named].taken == datetime.datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)
    assert (dates[whatsapp].source, dates[whatsapp].rule) == ("name", "whatsapp")
    assert dates[whatsapp].taken == datetime.datetime(2023, 1, 2, tzinfo=UTC)
    assert dates[inside].source == "exif"
    assert dates[inside].taken == exif_taken.replace(tzinfo=UTC)
    assert dates[plain].source == "file"
    for path, choice in dates.items():
        info = client.assets.get_asset_info(result.uploaded[path])
        # (A file time may come back a millisecond apart, seen on 2.7.5.)
        assert abs(info.local_date_time - choice.taken) < datetime.timedelta(seconds=1), path


def test_wait_until_processed(client: Client, tmp_path: Path) -> None:
    paths = [photo(tmp_path / f"w{n}.jpg", 8700 + n) for n in range(3)]
    clip = tmp_path / "clip.mp4"
    video(clip, seed=7)
    result = client.upload(tmp_path, wait=True, hash_cache=False)
    assert result.ok, result
    assert result.unprocessed == {}
    for path in [*paths, clip]:
        info = client.assets.get_asset_info(result.uploaded[path])
        assert info.thumbhash, path
        assert info.exif_info.modify_date is not None


def test_bursts(client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Bursts"
    frames = [
        photo(root / "00001IMG_00001_BURST20240501102030.jpg", 8800),
        photo(root / "00000IMG_00000_BURST20240501102030_COVER.jpg", 8801),
        photo(root / "00002IMG_00002_BURST20240501102030.jpg", 8802),
    ]
    result = client.upload(root, stack=["raw", "burst"], hash_cache=False)
    assert list(result.stacks.values()) == [(frames[1], frames[0], frames[2])]
    info = client.assets.get_asset_info(result.uploaded[frames[2]])
    assert info.stack.primary_asset_id == result.uploaded[frames[1]]
    assert info.stack.asset_count == 3
