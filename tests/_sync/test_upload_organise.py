"""What an upload does after the files are on the server: stacks, tags, dates from names,
waiting for the server's processing. Against FakeImmich, whose jobs wait in their
queues as a busy server's do (``tests/_sync/test_upload_organise.py`` is generated)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from immich import Client
from immich.testing import FakeImmich
from tests._sync.conftest import Connect
from tests._sync.recording import Recorder, body_json
from tests.testing._media import make_exif_jpeg, make_jpeg

DELAY = 0.1


@pytest.fixture(autouse=True)
def _setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setattr("immich._transfer.waiting.FIRST_PAUSE", 0.02)
    monkeypatch.setattr("immich._transfer.waiting.LONGEST_PAUSE", 0.1)


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich(job_delay=DELAY)


@pytest.fixture
def user_key(fake: FakeImmich) -> str:
    return fake.create_user(email="user@example.com", name="User")[1]


@pytest.fixture
def client(fake: FakeImmich, connect: Connect, user_key: str) -> Client:
    return connect(fake.transport(), api_key=user_key)


def put(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def raw(path: Path, index: int) -> Path:
    return put(path, b"II*\x00raw" + bytes([index]) * 64)  # a RAW's bytes, as far as it goes


# ---- stacks ---------------------------------------------------------------------------


def test_a_raw_is_stacked_under_its_jpeg(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Pictures"
    jpg = put(root / "IMG_0001.JPG", make_jpeg(1))
    cr2 = raw(root / "IMG_0001.cr2", 1)
    heic = put(root / "sub" / "IMG_0002.HEIC", make_jpeg(2))
    dng = raw(root / "sub" / "IMG_0002.DNG", 2)
    lone = put(root / "lone.jpg", make_jpeg(3))
    other_folder_raw = raw(root / "elsewhere" / "IMG_0001.CR2", 3)

    result = client.upload(root, stack=True, hash_cache=False)

    assert result.ok, result
    assert sorted(result.stacks.values()) == sorted([(jpg, cr2), (heic, dng)])
    for stack_id, files in result.stacks.items():
        stack = client.stacks.get_stack(stack_id)
        assert stack.primary_asset_id == result.uploaded[files[0]]
        assert {a.id for a in stack.assets} == {result.uploaded[f] for f in files}
    info = client.assets.get_asset_info(result.uploaded[cr2])
    assert info.stack.primary_asset_id == result.uploaded[jpg]
    assert info.stack.asset_count == 2
    for alone in (lone, other_folder_raw):
        assert (client.assets.get_asset_info(result.uploaded[alone])).stack is None
    assert json.loads(json.dumps(result.to_dict()))["stacks"][next(iter(result.stacks))]


def test_stacks_are_made_for_files_already_there_once(
    fake: FakeImmich, client: Client, connect: Connect, user_key: str, tmp_path: Path
) -> None:
    root = tmp_path / "Pictures"
    jpg = put(root / "IMG_0001.jpg", make_jpeg(1))
    cr2 = raw(root / "IMG_0001.CR2", 1)
    # The JPEG was uploaded before, without stacking.
    first = client.upload([jpg], hash_cache=False)
    assert not first.stacks

    second = client.upload(root, stack=True, hash_cache=False)
    assert set(second.duplicates) == {jpg}
    ((stack_id, files),) = second.stacks.items()
    assert files == (jpg, cr2)

    spy = Recorder(fake.transport())
    third = connect(spy, api_key=user_key).upload(root, stack=True, hash_cache=False)
    assert third.stacks == {stack_id: (jpg, cr2)}  # found, not made again
    assert not spy.sent("POST", "/stacks")


def test_bursts_only_when_asked(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Camera"
    pixel = [
        put(root / "00001IMG_00001_BURST20240501102030.jpg", make_jpeg(1)),
        put(root / "00000IMG_00000_BURST20240501102030_COVER.jpg", make_jpeg(2)),
        put(root / "00002IMG_00002_BURST20240501102030.jpg", make_jpeg(3)),
    ]
    samsung = [
        put(root / "20240601_120000_Burst01.jpg", make_jpeg(4)),
        put(root / "20240601_120000_Burst02.jpg", make_jpeg(5)),
    ]
    put(root / "IMG_0001.jpg", make_jpeg(6))
    put(root / "IMG_0002.jpg", make_jpeg(7))

    plain = client.upload(root, stack=True, hash_cache=False)
    assert plain.stacks == {}

    bursts = client.upload(root, stack=["raw", "burst"], hash_cache=False)
    stacks = sorted(bursts.stacks.values())
    assert stacks == sorted([(pixel[1], pixel[0], pixel[2]), tuple(samsung)])


def test_a_live_photo_beside_its_raw(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    root = tmp_path / "iPhone"
    heic = put(root / "IMG_0003.HEIC", make_jpeg(1))
    mov = put(root / "IMG_0003.MOV", b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 64)
    dng = raw(root / "IMG_0003.DNG", 3)
    result = client.upload(root, stack=True, hash_cache=False)
    assert result.ok, result
    assert list(result.stacks.values()) == [(heic, dng)]
    still = client.assets.get_asset_info(result.uploaded[heic])
    assert still.live_photo_video_id == result.uploaded[mov]


def test_bad_stack_rule(client: Client, tmp_path: Path) -> None:
    put(tmp_path / "a.jpg", make_jpeg(1))
    with pytest.raises(ValueError, match="unknown stack rule 'bursts'; the rules are: raw, burst"):
        client.upload(tmp_path, stack="bursts")


# ---- tags -----------------------------------------------------------------------------


def test_tags_and_tags_from_folders(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    root = tmp_path / "Pictures"
    rome = put(root / "Trips" / "Rome" / "x.jpg", make_jpeg(1))
    paris = put(root / "Trips" / "Paris" / "y.jpg", make_jpeg(2))
    top = put(root / "z.jpg", make_jpeg(3))

    result = client.upload(
        root, tags=[" Imported ", "Family/Smiths"], tags_from_folders=True, hash_cache=False
    )

    assert result.ok, result
    assert result.tags[rome] == ("Imported", "Family/Smiths", "Trips/Rome")
    assert result.tags[paris] == ("Imported", "Family/Smiths", "Trips/Paris")
    assert result.tags[top] == ("Imported", "Family/Smiths")
    values = {tag.value: tag for tag in client.tags.get_all_tags()}
    assert {"Trips", "Trips/Rome", "Trips/Paris", "Family", "Family/Smiths", "Imported"} <= set(
        values
    )
    assert values["Trips/Rome"].parent_id == values["Trips"].id
    info = client.assets.get_asset_info(result.uploaded[rome])
    assert sorted(t.value for t in info.tags) == ["Family/Smiths", "Imported", "Trips/Rome"]


def test_tags_come_after_processing_once_per_asset(
    fake: FakeImmich, connect: Connect, tmp_path: Path
) -> None:
    """Each asset is tagged once, in one request with all its tags, and only once the
    server has processed it: edits during its jobs could be lost on Immich."""
    root = tmp_path / "Pictures"
    for index in range(4):
        put(root / f"folder{index % 2}" / f"{index}.jpg", make_jpeg(index))
    tagged_while_unprocessed: list[str] = []

    def check(request: httpx.Request) -> None:
        if request.method == "PUT" and request.url.path == "/api/tags/assets":
            for asset_id in body_json(request)["assetIds"]:
                if not fake.asset(asset_id)["thumbhash"]:
                    tagged_while_unprocessed.append(asset_id)

    spy = Recorder(fake.transport(), hook=check, keep_bodies=True)
    client = connect(spy, api_key=fake.api_key)
    result = client.upload(root, tags=["A", "B"], tags_from_folders=True, hash_cache=False)

    assert result.ok, result
    assert tagged_while_unprocessed == []
    bulk = [body_json(r) for r in spy.requests if r.url.path == "/api/tags/assets"]
    per_asset = [asset_id for body in bulk for asset_id in body["assetIds"]]
    assert sorted(per_asset) == sorted(result.uploaded.values())  # each exactly once
    assert all(len(body["tagIds"]) == 3 for body in bulk)
    assert not spy.sent("PUT", "/tags/*/assets")


def test_tags_on_files_already_there(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    photo = put(tmp_path / "a.jpg", make_jpeg(1))
    client.upload([photo], hash_cache=False)
    result = client.upload([photo], tags=["Later"], hash_cache=False)
    assert set(result.duplicates) == {photo}
    assert result.tags == {photo: ("Later",)}
    info = client.assets.get_asset_info(result.duplicates[photo])
    assert [t.value for t in info.tags] == ["Later"]


def test_a_file_named_alone_gets_no_folder_tag(client: Client, tmp_path: Path) -> None:
    photo = put(tmp_path / "Trips" / "a.jpg", make_jpeg(1))
    result = client.upload([photo], tags_from_folders=True, hash_cache=False)
    assert result.tags == {}
    assert result.ok


def test_a_tag_must_have_a_name(client: Client, tmp_path: Path) -> None:
    put(tmp_path / "a.jpg", make_jpeg(1))
    with pytest.raises(ValueError, match="not a tag"):
        client.upload(tmp_path, tags=[" / "])


# ---- dates ----------------------------------------------------------------------------


def test_date_from_name_and_where_each_date_came_from(
    fake: FakeImmich, client: Client, tmp_path: Path
) -> None:
    root = tmp_path / "Phone"
    named = put(root / "IMG_20240501_102030.jpg", make_jpeg(1))
    whatsapp = put(root / "IMG-20230102-WA0007.jpg", make_jpeg(2))
    exif = put(root / "IMG_20240501_111111.jpg", make_exif_jpeg(3, "2021:06:01 10:20:30"))
    plain = put(root / "holiday.jpg", make_jpeg(4))

    result = client.upload(root, date_from_name=True, hash_cache=False)

    assert result.ok, result
    dates = result.dates
    assert (dates[named].source, dates[named].rule) == ("name", "date-time")
    assert dates[named].taken == datetime(2024, 5, 1, 10, 20, 30, tzinfo=timezone.utc)
    assert (dates[whatsapp].source, dates[whatsapp].rule) == ("name", "whatsapp")
    assert dates[whatsapp].taken == datetime(2023, 1, 2, tzinfo=timezone.utc)
    assert dates[exif].source == "exif"  # the date inside wins over the name
    assert dates[exif].taken == datetime(2021, 6, 1, 10, 20, 30, tzinfo=timezone.utc)
    assert dates[plain].source == "file"
    assert (client.assets.get_asset_info(result.uploaded[named])).local_date_time == dates[
        named
    ].taken
    assert result.to_dict()["dates"][str(named)] == {
        "taken": "2024-05-01T10:20:30+00:00",
        "source": "name",
        "rule": "date-time",
    }


def test_without_date_from_name_the_file_time_counts(
    fake: FakeImmich, client: Client, tmp_path: Path
) -> None:
    named = put(tmp_path / "IMG_20240501_102030.jpg", make_jpeg(1))
    result = client.upload([named], hash_cache=False)
    assert result.dates == {}
    info = client.wait.for_assets(result.uploaded.values())
    taken = info.assets[result.uploaded[named]].local_date_time
    assert taken != datetime(2024, 5, 1, 10, 20, 30, tzinfo=timezone.utc)


# ---- waiting --------------------------------------------------------------------------


def test_wait_until_processed(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    for index in range(3):
        put(tmp_path / f"{index}.jpg", make_jpeg(index))
    phases: list[str] = []
    result = client.upload(
        tmp_path, wait=True, hash_cache=False, progress=lambda p: phases.append(p.phase)
    )
    assert result.ok
    assert result.unprocessed == {}
    assert "process" in phases
    for asset_id in result.uploaded.values():
        assert fake.asset(asset_id)["thumbhash"]


def test_wait_timeout_leaves_files_unprocessed_and_untagged(
    fake: FakeImmich, client: Client, tmp_path: Path
) -> None:
    fake.job_delay = 30
    photo = put(tmp_path / "a.jpg", make_jpeg(1))
    result = client.upload([photo], wait=True, wait_timeout=0.1, tags=["T"], hash_cache=False)
    assert set(result.uploaded) == {photo}
    assert "still being processed" in result.unprocessed[photo]
    assert "not tagged" in result.tag_failures[photo]
    assert not result.ok
    assert fake.asset(result.uploaded[photo])["tags"] == []


def test_a_paused_processing_queue_leaves_files_unprocessed(
    fake: FakeImmich, connect: Connect, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("immich._transfer.waiting.STALLED_AFTER", 0.2)
    admin = connect(fake.transport(), api_key=fake.api_key)
    admin.queues.update_queue("thumbnailGeneration", is_paused=True)
    photo = put(tmp_path / "a.jpg", make_jpeg(1))
    result = admin.upload([photo], tags=["T"], hash_cache=False)
    assert set(result.uploaded) == {photo}  # the upload's result, not an exception
    assert "the thumbnailGeneration queue is paused" in result.unprocessed[photo]
    assert "not tagged" in result.tag_failures[photo]


def test_dry_run_organises_nothing(fake: FakeImmich, client: Client, tmp_path: Path) -> None:
    put(tmp_path / "IMG_1.jpg", make_jpeg(1))
    raw(tmp_path / "IMG_1.CR2", 1)
    result = client.upload(
        tmp_path, dry_run=True, stack=True, tags=["T"], wait=True, hash_cache=False
    )
    assert len(result.would_upload) == 2
    assert (result.stacks, result.tags, result.dates) == ({}, {}, {})
    assert client.tags.get_all_tags() == []
