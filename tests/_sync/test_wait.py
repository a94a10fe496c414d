"""``client.wait`` against FakeImmich, whose jobs wait in their queues for ``job_delay``
seconds as a busy server's would (``tests/_sync/test_wait.py`` is generated)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import immich
from immich import Client, ProcessedAssets, WaitProgress
from immich.testing import FakeImmich, _processing
from tests._sync.conftest import Connect
from tests.testing._media import make_jpeg

DELAY = 0.15


@pytest.fixture(autouse=True)
def _quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("immich._transfer.waiting.FIRST_PAUSE", 0.02)
    monkeypatch.setattr("immich._transfer.waiting.LONGEST_PAUSE", 0.1)


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich(job_delay=DELAY)


@pytest.fixture
def admin(fake: FakeImmich, connect: Connect) -> Client:
    return connect(fake.transport(), api_key=fake.api_key)


@pytest.fixture
def user(fake: FakeImmich, connect: Connect) -> Client:
    _, key = fake.create_user(email="user@example.com", name="User")
    return connect(fake.transport(), api_key=key)


def _photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"IMG_{index:04d}.jpg"
        path.write_bytes(make_jpeg(index))
        paths.append(path)
    return paths


def _upload(client: Client, folder: Path, count: int) -> list[str]:
    paths = _photos(folder, count)
    result = client.upload(paths, hash_cache=False)
    assert len(result.uploaded) == count
    return [result.uploaded[path] for path in paths]


# ---- assets ---------------------------------------------------------------------------


def test_for_assets_waits_until_metadata_and_thumbnails(
    fake: FakeImmich, user: Client, tmp_path: Path
) -> None:
    ids = _upload(user, tmp_path / "photos", 3)
    before = fake.asset(ids[0])
    assert before["thumbhash"] is None
    assert before["exifInfo"]["modifyDate"] is None  # as Immich shows it before its job
    seen: list[WaitProgress] = []

    started = time.monotonic()
    result = user.wait.for_assets(ids, progress=seen.append)

    assert isinstance(result, ProcessedAssets)
    assert result.ok
    assert list(result.assets) == ids
    assert time.monotonic() - started >= DELAY  # two jobs, each due DELAY after queued
    for asset in result.assets.values():
        assert asset.thumbhash
        assert asset.exif_info.modify_date is not None
    assert seen[0].what == "assets"
    assert seen[0].total == 3
    assert seen[-1].pending == 0
    assert seen[-1].done == 3
    assert result.to_dict()["processed"] == ids


def test_for_assets_metadata_only(fake: FakeImmich, user: Client, tmp_path: Path) -> None:
    fake.job_delay = 0.3  # the thumbnail job comes 0.3 s after the metadata job
    (asset_id,) = _upload(user, tmp_path / "photos", 1)
    result = user.wait.for_assets([asset_id], thumbnails=False)
    asset = result.assets[asset_id]
    assert asset.exif_info.modify_date is not None
    assert asset.thumbhash is None


def test_for_assets_already_processed_returns_at_once(
    fake: FakeImmich, user: Client, tmp_path: Path
) -> None:
    fake.job_delay = 0
    ids = _upload(user, tmp_path / "photos", 2)
    started = time.monotonic()
    result = user.wait.for_assets(ids)
    assert result.ok
    assert time.monotonic() - started < 1


def test_for_assets_times_out_naming_what_is_pending(
    fake: FakeImmich, user: Client, tmp_path: Path
) -> None:
    fake.job_delay = 30
    ids = _upload(user, tmp_path / "photos", 2)
    with pytest.raises(immich.WaitTimeoutError) as caught:
        user.wait.for_assets(ids, timeout=0.1)
    error = caught.value
    assert isinstance(error, immich.ImmichError)
    assert set(error.pending) == set(ids)
    assert error.pending[ids[0]] == ["metadata", "thumbnails"]
    assert error.waited >= 0.1
    assert "2 assets (metadata: IMG_0000.jpg, IMG_0001.jpg)" in str(error)


def test_for_assets_reports_assets_that_are_gone(user: Client, tmp_path: Path) -> None:
    ids = _upload(user, tmp_path / "photos", 1)
    missing = "6b3a0f04-5f45-4a5b-9f7c-5a0a1f0b7a11"
    result = user.wait.for_assets([*ids, missing])
    assert list(result.assets) == ids
    assert "not found" in result.unfinished[missing]
    assert not result.ok


def _no_thumbnail_for(monkeypatch: pytest.MonkeyPatch, broken: set[str]) -> None:
    """The server fails to make thumbnails of these assets (a file it cannot decode)."""
    real = _processing.generate_thumbnails

    def generate(state: object, asset_id: str) -> None:
        if asset_id not in broken:
            real(state, asset_id)  # type: ignore[arg-type]

    monkeypatch.setattr(_processing, "generate_thumbnails", generate)


def test_for_assets_gives_up_on_an_asset_others_overtook(
    fake: FakeImmich, user: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.job_delay = 0.05
    ids = _upload(user, tmp_path / "photos", 3)
    _no_thumbnail_for(monkeypatch, {ids[0]})
    result = user.wait.for_assets(ids, stalled_after=0.3, timeout=10)
    assert list(result.assets) == ids[1:]
    assert set(result.unfinished) == {ids[0]}
    assert "no thumbnails" in result.unfinished[ids[0]]
    assert "assets uploaded after it are done" in result.unfinished[ids[0]]


def test_for_assets_with_an_admin_key_gives_up_once_the_queues_are_idle(
    fake: FakeImmich, admin: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.job_delay = 0.05
    ids = _upload(admin, tmp_path / "photos", 2)
    _no_thumbnail_for(monkeypatch, set(ids))  # the last one too: nothing overtakes it
    result = admin.wait.for_assets(ids, stalled_after=0.3, timeout=10)
    assert result.assets == {}
    assert all("the server's jobs finished without it" in m for m in result.unfinished.values())


def test_for_assets_stops_at_a_paused_processing_queue(
    fake: FakeImmich, admin: Client, tmp_path: Path
) -> None:
    admin.queues.update_queue("thumbnailGeneration", is_paused=True)
    ids = _upload(admin, tmp_path / "photos", 1)
    with pytest.raises(immich.QueuePausedError) as caught:
        admin.wait.for_assets(ids, stalled_after=0.3, timeout=10)
    assert caught.value.queue == "thumbnailGeneration"
    assert caught.value.jobs == 1
    assert "immich jobs resume thumbnailGeneration" in str(caught.value)


# ---- queues ---------------------------------------------------------------------------


def test_for_queues_waits_until_idle(fake: FakeImmich, admin: Client, tmp_path: Path) -> None:
    _upload(admin, tmp_path / "photos", 2)
    busy = admin.queues.get_queue("metadataExtraction")
    assert busy.statistics.waiting == 2
    seen: list[WaitProgress] = []
    states = admin.wait.for_queues(
        "metadata-extraction", "THUMBNAIL_GENERATION", progress=seen.append
    )
    assert [s.name.value for s in states] == ["metadataExtraction", "thumbnailGeneration"]
    assert all(s.statistics.waiting == 0 for s in states)
    assert states[1].statistics.completed == 2
    assert seen[0].detail["metadataExtraction"] == 2
    assert seen[-1].pending == 0


def test_for_queues_without_names_waits_for_every_queue(
    fake: FakeImmich, admin: Client, tmp_path: Path
) -> None:
    _upload(admin, tmp_path / "photos", 1)
    states = admin.wait.for_queues()
    assert len(states) == len(admin.queues.get_queues())
    assert fake.asset(fake.asset_ids()[0])["thumbhash"]


def test_for_queues_refuses_a_paused_queue_with_work(
    fake: FakeImmich, admin: Client, tmp_path: Path
) -> None:
    admin.queues.update_queue("metadataExtraction", is_paused=True)
    _upload(admin, tmp_path / "photos", 1)
    with pytest.raises(immich.QueuePausedError):
        admin.wait.for_queues("metadataExtraction")
    admin.queues.update_queue("metadataExtraction", is_paused=False)
    (state,) = admin.wait.for_queues("metadataExtraction")
    assert state.statistics.completed == 1


def test_for_queues_times_out(fake: FakeImmich, admin: Client, tmp_path: Path) -> None:
    fake.job_delay = 30
    _upload(admin, tmp_path / "photos", 1)
    with pytest.raises(immich.WaitTimeoutError) as caught:
        admin.wait.for_queues("metadataExtraction", timeout=0.05)
    assert caught.value.pending == {"metadataExtraction": 1}
    assert "metadataExtraction: 1" in str(caught.value)


def test_for_queues_unknown_name(admin: Client) -> None:
    with pytest.raises(ValueError, match="unknown queue 'thumbs'; queues are: thumbnailGeneration"):
        admin.wait.for_queues("thumbs")


def test_queues_need_an_admin(user: Client) -> None:
    with pytest.raises(immich.PermissionDeniedError):
        user.wait.for_queues("library")


# ---- libraries ------------------------------------------------------------------------


def _folder(tmp_path: Path, names: list[str], first: int = 0) -> Path:
    folder = tmp_path / "nas"
    folder.mkdir(exist_ok=True)
    for index, name in enumerate(names, first):
        (folder / name).write_bytes(make_jpeg(100 + index))
    return folder


def test_scan_library_says_what_it_found(fake: FakeImmich, admin: Client, tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["a.jpg", "b.jpg", "c.jpg"])
    me = admin.users.get_my_user()
    library = admin.libraries.create_library(owner_id=me.id, name="NAS", import_paths=[str(folder)])
    seen: list[WaitProgress] = []
    first = admin.wait.scan_library("NAS", progress=seen.append)
    assert (first.added, first.removed, first.unchanged) == (3, 0, 0)
    assert first.statistics.photos == 3
    assert first.library.refreshed_at is not None
    assert seen[0].what == "library"
    assert seen[0].pending == 2  # Immich's two scan jobs, both due later

    (folder / "a.jpg").unlink()
    _folder(tmp_path, ["d.jpg", "e.jpg"], first=10)
    second = admin.wait.scan_library(library.id)
    assert (second.added, second.removed, second.unchanged) == (2, 1, 2)
    # The missing file's asset waits in the trash: Immich still counts it.
    assert second.statistics.total == 5
    assert second.to_dict()["removed"] == 1
    assert second.restored == 0

    (folder / "a.jpg").write_bytes(make_jpeg(100))  # the missing file is back
    third = admin.wait.scan_library(library.id)
    assert (third.added, third.removed, third.restored, third.unchanged) == (0, 0, 1, 4)
    assert third.statistics.total == 5


def test_scan_library_of_another_user_counts_what_it_can(
    fake: FakeImmich, admin: Client, tmp_path: Path
) -> None:
    owner, _ = fake.create_user(email="owner@example.com", name="Owner")
    folder = _folder(tmp_path, ["a.jpg", "b.jpg"])
    admin.libraries.create_library(owner_id=owner, name="Theirs", import_paths=[str(folder)])
    result = admin.wait.scan_library("Theirs")
    assert result.added == 2
    assert result.removed is None
    assert result.unchanged is None
    assert result.restored is None


def test_scan_library_unknown_name_suggests(admin: Client, tmp_path: Path) -> None:
    me = admin.users.get_my_user()
    admin.libraries.create_library(owner_id=me.id, name="Photos", import_paths=[])
    with pytest.raises(immich.NameLookupError) as caught:
        admin.wait.scan_library("photos")
    assert caught.value.suggestions == ["Photos"]


def test_scan_library_times_out_and_paused(fake: FakeImmich, admin: Client, tmp_path: Path) -> None:
    me = admin.users.get_my_user()
    library = admin.libraries.create_library(
        owner_id=me.id, name="NAS", import_paths=[str(_folder(tmp_path, ["a.jpg"]))]
    )
    fake.job_delay = 30
    with pytest.raises(immich.WaitTimeoutError) as caught:
        admin.wait.scan_library(library.id, timeout=0.05)
    assert caught.value.pending == {"library": 2}
    admin.queues.update_queue("library", is_paused=True)
    with pytest.raises(immich.QueuePausedError):
        admin.wait.scan_library(library.id)


# ---- jobs -----------------------------------------------------------------------------


def test_run_job_starts_a_queue_and_waits(admin: Client, tmp_path: Path) -> None:
    _upload(admin, tmp_path / "photos", 1)
    result = admin.wait.run_job("thumbnailGeneration", force=True)
    assert result.name == "thumbnailGeneration"
    assert result.queue.value == "thumbnailGeneration"
    assert result.failed == 0
    assert result.state.statistics.waiting == 0
    assert result.to_dict()["queue"] == "thumbnailGeneration"


def test_run_job_one_off(fake: FakeImmich, admin: Client) -> None:
    admin.tags.upsert_tags(tags=["unused/tag"])
    seen: list[WaitProgress] = []
    result = admin.wait.run_job("tag_cleanup", progress=seen.append)
    assert result.name == "tag-cleanup"
    assert result.queue.value == "backgroundTask"
    assert admin.tags.get_all_tags() == []  # the job ran: empty tags are gone
    assert seen[0].what == "job"
    assert seen[0].pending == 1


def test_run_job_refuses_what_it_cannot_run(admin: Client) -> None:
    with pytest.raises(ValueError, match="unknown queue or job 'nope'"):
        admin.wait.run_job("nope")
    with pytest.raises(ValueError, match="force applies to queues"):
        admin.wait.run_job("backup-database", force=True)
