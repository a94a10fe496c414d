"""``mirror`` against the fake server (``tests/_sync/test_mirror.py`` is generated).

Every run is checked against the server: the mirror holds each asset's original (by
SHA-1) with a sidecar that says what the server says, and an album manifest per album.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich import ConfigurationError
from immich._sync import mirror as mirror_module
from immich._sync.mirror import mirror
from immich._transfer.mirror_state import MirrorLockedError, MirrorState
from immich._transfer.progress import Progress
from immich.testing import FakeImmich
from tests._sync.conftest import Connect
from tests._sync.recording import Recorder, SimulatedCrash, body_json
from tests.helpers import PASSWORD
from tests.streams import BrokenStream
from tests.testing._media import make_jpeg

# The PUT update endpoints are deprecated without a replacement yet (see the README).
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated by the Immich API:DeprecationWarning")

EMAIL = "ann@example.com"
MAY = datetime(2024, 5, 4, 12, 0, tzinfo=timezone.utc)
JUNE = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _private_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture
def ann(fake: FakeImmich) -> tuple[str, str]:
    """A user: (id, API key); the password is PASSWORD."""
    return fake.create_user(email=EMAIL, name="Ann", password=PASSWORD)


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    return tmp_path / "mirror"


def spy(fake: FakeImmich) -> Recorder:
    return Recorder(fake.transport(), keep_bodies=True)


def fetched(recorder: Recorder) -> Counter[str]:
    """How often each asset's content was asked for: alone, or in an archive."""
    counts: Counter[str] = Counter()
    for request in recorder.sent("GET", "/assets/*/original"):
        counts[request.url.path.split("/")[-2]] += 1
    for request in recorder.sent("POST", "/download/archive"):
        counts.update(body_json(request)["assetIds"])
    return counts


def sha1(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def sidecars(dest: Path) -> dict[str, dict[str, Any]]:
    """Asset id -> its sidecar (with ``"file"``: the file beside it), for every sidecar
    outside .trash/."""
    found = {}
    for path in dest.rglob("*.json"):
        if path.relative_to(dest).parts[0] in (".trash", ".immich-mirror", "albums"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        found[data["id"]] = {**data, "file": path.with_name(path.name[: -len(".json")])}
    return found


def assert_mirrors(fake: FakeImmich, owner: str, dest: Path, *, prune: bool = False) -> None:
    """The mirror has each of the owner's assets' bytes beside a sidecar that describes
    it (with prune, what the server trashed is in .trash/ instead)."""
    described = sidecars(dest)
    for asset_id in fake.asset_ids(owner):
        asset = fake.asset(asset_id)
        if prune and asset["isTrashed"]:
            assert asset_id not in described
            continue
        side = described[asset_id]
        assert side["checksum"] == asset["checksum"]
        assert side["isFavorite"] == asset["isFavorite"]
        assert side["description"] == asset["exifInfo"]["description"]
        assert side["visibility"] == asset["visibility"]
        assert bool(side["deletedAt"]) == asset["isTrashed"]
        assert sorted(side["tags"]) == sorted(t["value"] for t in asset.get("tags", []))
        assert side["file"].read_bytes() == fake.asset_bytes(asset_id)
        assert sha1(side["file"].read_bytes()) == asset["checksum"]
    assert not list(dest.rglob("*.part"))


def tree(dest: Path) -> list[Path]:
    """What the mirror holds, its state aside."""
    return sorted(p.relative_to(dest) for p in dest.rglob("*") if ".immich-mirror" not in p.parts)


def fake_answer(fake: FakeImmich, request: httpx.Request) -> httpx.Response:
    """The fake's whole answer to ``request`` (a hook's, to send on altered)."""
    again = httpx.Request(
        request.method, request.url, headers=request.headers, content=request.content
    )
    answer = fake.transport().handle_request(again)
    answer.read()
    return answer


def killed_at(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The next run stops as a killed process would, as its step ``step`` starts: what
    it had not committed to its state is lost (``close`` rolls back, as for a dry run)."""

    def crash(*args: Any, **kwargs: Any) -> None:
        raise SimulatedCrash

    close = MirrorState.close

    def close_as_killed(state: MirrorState) -> None:
        state.dry_run = True  # rolled back
        close(state)

    monkeypatch.setattr(mirror_module._Run, step, crash)
    monkeypatch.setattr(MirrorState, "close", close_as_killed)


def first_run(fake: FakeImmich, connect: Connect, dest: Path, key: str, **options: Any) -> Any:
    client = connect(fake.transport(), api_key=key)
    return mirror(client, dest, email=EMAIL, password=PASSWORD, **options)


def test_the_first_run_downloads_everything_and_the_next_nothing(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(3)
    ]
    fake.add_asset(make_jpeg(9), filename="other.jpg")  # the admin's: not Ann's

    result = first_run(fake, connect, dest, key)

    assert result.ok
    assert result.full
    assert result.complete
    assert set(result.downloaded) == set(ids)
    assert result.assets == result.files == 3
    assert sorted(p.name for p in (dest / "2024" / "05").iterdir()) == [
        "IMG_0.jpg",
        "IMG_0.jpg.json",
        "IMG_1.jpg",
        "IMG_1.jpg.json",
        "IMG_2.jpg",
        "IMG_2.jpg.json",
    ]
    assert_mirrors(fake, owner, dest)

    recorder = spy(fake)
    again = mirror(connect(recorder, api_key=key), dest)  # the mirror's own session

    assert again.ok
    assert not again.full
    assert again.downloaded == {}
    assert again.updated == ()
    assert again.events == 1
    assert fetched(recorder) == Counter()
    assert recorder.sent("POST", "/auth/login") == []


def test_changes_are_applied_and_only_new_files_downloaded(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(5)
    ]
    setup = connect(fake.transport(), api_key=key)
    album = setup.albums.create_album(album_name="Trip", asset_ids=ids[:2])
    first_run(fake, connect, dest, key)
    manifest = json.loads((dest / "albums" / "Trip.json").read_text())
    assert sorted(a["id"] for a in manifest["assets"]) == sorted(ids[:2])

    new = fake.add_asset(make_jpeg(20), filename="NEW.jpg", owner=owner, taken_at=JUNE)
    setup.assets.update_assets(ids=[ids[2]], is_favorite=True, description="the lake")
    setup.albums.add_assets_to_album(album.id, ids=[ids[3]])
    setup.albums.remove_asset_from_album(album.id, ids=[ids[0]])
    setup.assets.delete_assets(ids=[ids[4]])  # to the trash
    setup.assets.delete_assets(ids=[ids[1]], force=True)  # for good
    tag = setup.tags.create_tag(name="lake")
    setup.tags.tag_assets(tag.id, ids=[ids[2]])
    recorder = spy(fake)

    result = mirror(connect(recorder, api_key=key), dest)

    assert result.ok
    assert set(result.downloaded) == {new}
    assert fetched(recorder) == Counter({new: 1})
    assert result.deleted == (ids[1],)
    assert set(result.updated) >= {ids[0], ids[2], ids[3], ids[4]}
    assert_mirrors(fake, owner, dest)
    side = sidecars(dest)
    assert side[ids[2]]["isFavorite"]
    assert side[ids[2]]["description"] == "the lake"
    assert side[ids[2]]["tags"] == ["lake"]
    assert side[ids[3]]["albums"] == [{"id": album.id, "name": "Trip"}]
    assert side[ids[0]]["albums"] == []
    assert side[ids[4]]["deletedAt"] is not None
    assert side[ids[1]]["deletedFromServer"] is True  # kept, and says so
    manifest = json.loads((dest / "albums" / "Trip.json").read_text())
    assert sorted(a["id"] for a in manifest["assets"]) == sorted([ids[3]])
    assert manifest["assets"][0]["path"] == "2024/05/IMG_3.jpg"


def test_prune_moves_trashed_and_deleted_files_aside_and_back(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(3)
    ]
    setup = connect(fake.transport(), api_key=key)
    first_run(fake, connect, dest, key, prune=True)
    setup.assets.delete_assets(ids=[ids[0]])
    setup.assets.delete_assets(ids=[ids[1]], force=True)

    result = mirror(connect(fake.transport(), api_key=key), dest, prune=True)

    assert set(result.trashed) == {ids[0], ids[1]}
    assert (dest / ".trash" / "2024" / "05" / "IMG_0.jpg").read_bytes() == make_jpeg(0)
    assert (dest / ".trash" / "2024" / "05" / "IMG_1.jpg.json").is_file()
    assert not (dest / "2024" / "05" / "IMG_0.jpg").exists()
    assert_mirrors(fake, owner, dest, prune=True)

    setup.trash.restore_assets(ids=[ids[0]])
    back = mirror(connect(fake.transport(), api_key=key), dest, prune=True)

    assert set(back.restored) == {ids[0]}
    assert back.downloaded == {}
    assert (dest / "2024" / "05" / "IMG_0.jpg").read_bytes() == make_jpeg(0)
    assert not (dest / ".trash" / "2024" / "05" / "IMG_0.jpg").exists()


def test_prune_on_a_first_run_puts_trashed_files_straight_in_trash(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(2)
    ]
    connect(fake.transport(), api_key=key).assets.delete_assets(ids=[ids[0]])

    result = first_run(fake, connect, dest, key, prune=True)

    assert set(result.downloaded) == set(ids)
    assert set(result.trashed) == {ids[0]}
    assert (dest / ".trash" / "2024" / "05" / "IMG_0.jpg").read_bytes() == make_jpeg(0)
    assert (dest / ".trash" / "2024" / "05" / "IMG_0.jpg.json").is_file()
    assert not (dest / "2024" / "05" / "IMG_0.jpg").exists()
    assert_mirrors(fake, owner, dest, prune=True)


def test_a_run_killed_after_pruning_finds_the_files_where_it_moved_them(
    fake: FakeImmich,
    ann: tuple[str, str],
    connect: Connect,
    dest: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(2)
    ]
    first_run(fake, connect, dest, key, prune=True)
    connect(fake.transport(), api_key=key).assets.delete_assets(ids=[ids[0]])
    with monkeypatch.context() as patched:
        killed_at(patched, "write_sidecars")
        with pytest.raises(SimulatedCrash):
            mirror(connect(fake.transport(), api_key=key), dest, prune=True)
    assert (dest / ".trash" / "2024" / "05" / "IMG_0.jpg").is_file()
    again = spy(fake)

    result = mirror(connect(again, api_key=key), dest, prune=True)

    assert fetched(again) == Counter()
    assert result.notes == ()
    assert tree(dest) == sorted(
        Path(p)
        for p in (
            ".trash",
            ".trash/2024",
            ".trash/2024/05",
            ".trash/2024/05/IMG_0.jpg",
            ".trash/2024/05/IMG_0.jpg.json",
            "2024",
            "2024/05",
            "2024/05/IMG_1.jpg",
            "2024/05/IMG_1.jpg.json",
        )
    )
    assert_mirrors(fake, owner, dest, prune=True)


def test_replaced_contents_are_each_kept_aside(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    """Two assets that held the same file name in turn, each replaced: both old contents
    are kept in .trash/replaced/, neither over the other."""
    owner, key = ann
    first = fake.add_asset(b"A1" + make_jpeg(1), filename="IMG.jpg", owner=owner, taken_at=MAY)
    first_run(fake, connect, dest, key)
    fake.replace_asset_bytes(first, b"A2" + make_jpeg(1))
    mirror(connect(fake.transport(), api_key=key), dest)
    second = fake.add_asset(b"B1" + make_jpeg(2), filename="IMG.jpg", owner=owner, taken_at=MAY)
    mirror(connect(fake.transport(), api_key=key), dest)
    fake.replace_asset_bytes(second, b"B2" + make_jpeg(2))

    mirror(connect(fake.transport(), api_key=key), dest)

    kept = sorted(p.read_bytes()[:2] for p in (dest / ".trash" / "replaced").rglob("*.jpg"))
    assert kept == [b"A1", b"B1"]
    assert_mirrors(fake, owner, dest)


def test_a_run_killed_after_moving_a_replaced_file_aside_downloads_nothing_twice(
    fake: FakeImmich,
    ann: tuple[str, str],
    connect: Connect,
    dest: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, key = ann
    asset = fake.add_asset(make_jpeg(1) + bytes(300_000), filename="IMG.jpg", owner=owner)
    first_run(fake, connect, dest, key)
    fake.replace_asset_bytes(asset, make_jpeg(2) + bytes(300_000))
    with monkeypatch.context() as patched:
        killed_at(patched, "apply_policy")
        with pytest.raises(SimulatedCrash):
            mirror(connect(fake.transport(), api_key=key), dest)
    again = spy(fake)

    result = mirror(connect(again, api_key=key), dest)

    assert fetched(again) == Counter()
    assert result.ok
    assert len(list((dest / ".trash" / "replaced").rglob("*.jpg"))) == 1
    assert len([p for p in tree(dest) if p.suffix == ".jpg" and ".trash" not in p.parts]) == 1
    assert_mirrors(fake, owner, dest)


def test_without_prune_nothing_leaves_its_place_and_turning_it_on_catches_up(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(2)
    ]
    setup = connect(fake.transport(), api_key=key)
    first_run(fake, connect, dest, key)
    setup.assets.delete_assets(ids=ids)

    kept = mirror(connect(fake.transport(), api_key=key), dest)
    assert kept.trashed == {}
    assert (dest / "2024" / "05" / "IMG_0.jpg").is_file()

    pruned = mirror(connect(fake.transport(), api_key=key), dest, prune=True)
    assert set(pruned.trashed) == set(ids)


def test_an_api_key_alone_is_refused_with_what_to_do(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    _, key = ann
    with pytest.raises(ConfigurationError, match="refuses API keys") as caught:
        mirror(connect(fake.transport(), api_key=key), dest)
    assert "--email" in str(caught.value)


def test_a_logged_in_client_lends_its_session(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, _ = ann
    fake.add_asset(make_jpeg(1), filename="IMG.jpg", owner=owner)
    client = connect(fake.transport())
    client.login(EMAIL, PASSWORD)

    result = mirror(client, dest)

    assert result.ok
    assert len(result.downloaded) == 1


def test_a_revoked_session_needs_the_password_again_and_downloads_nothing_twice(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(3)]
    first_run(fake, connect, dest, key)
    admin = connect(fake.transport())
    admin.login(EMAIL, PASSWORD)
    for session in admin.sessions.get_sessions():
        if session.device_type == "Immich SDK mirror":
            admin.sessions.delete_session(session.id)
    deleted_meanwhile = ids[0]
    admin.assets.delete_assets(ids=[deleted_meanwhile], force=True)

    with pytest.raises(ConfigurationError, match="session was refused"):
        mirror(connect(fake.transport(), api_key=key), dest)

    recorder = spy(fake)
    result = mirror(connect(recorder, api_key=key), dest, email=EMAIL, password=PASSWORD)
    assert result.ok
    assert result.full
    assert fetched(recorder) == Counter()
    assert result.deleted == (deleted_meanwhile,)  # noticed: the full listing lacked it


def test_the_mirrors_session_is_named_in_the_servers_list(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    _, key = ann
    first_run(fake, connect, dest, key)
    client = connect(fake.transport())
    client.login(EMAIL, PASSWORD)

    types = [s.device_type for s in client.sessions.get_sessions()]

    assert types.count("Immich SDK mirror") == 1
    assert (os.stat(dest / ".immich-mirror" / "state.db").st_mode & 0o777) == 0o600


def test_another_users_credentials_are_refused(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    _, key = ann
    first_run(fake, connect, dest, key)
    fake.create_user(email="bo@example.com", name="Bo", password=PASSWORD)
    state = MirrorState.open(dest, dry_run=False)
    state.set("session_token", None)  # as if the session were gone
    state.close()

    with pytest.raises(ConfigurationError, match=r"mirrors the library of ann@example\.com"):
        mirror(connect(fake.transport()), dest, email="bo@example.com", password=PASSWORD)


def test_a_run_stopped_half_way_loses_nothing_and_downloads_nothing_twice(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i) + bytes(300_000), filename=f"IMG_{i}.jpg", owner=owner)
        for i in range(6)
    ]  # large enough to come one by one
    first = spy(fake)
    landed: list[Path] = []

    def stop_after_two(progress: Progress) -> None:
        if progress.phase == "download" and progress.path is not None:
            landed.append(progress.path)
            if len(landed) == 2:
                raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        mirror(
            connect(first, api_key=key),
            dest,
            email=EMAIL,
            password=PASSWORD,
            progress=stop_after_two,
            concurrency=1,
        )
    assert fake.asset_ids(owner)
    assert not (dest / "albums").exists()
    second = spy(fake)

    result = mirror(connect(second, api_key=key), dest, concurrency=1)

    assert result.ok
    assert fetched(first) + fetched(second) == Counter(dict.fromkeys(ids, 1))
    assert_mirrors(fake, owner, dest)


def test_files_written_but_not_recorded_are_found_by_checksum(
    fake: FakeImmich,
    ann: tuple[str, str],
    connect: Connect,
    dest: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(4)]

    def crash(self: MirrorState, *args: Any, **kwargs: Any) -> None:
        raise SimulatedCrash  # the process died after the file landed, before the note

    with monkeypatch.context() as patched:
        patched.setattr(MirrorState, "record_file", crash)
        with pytest.raises(SimulatedCrash):
            first_run(fake, connect, dest, key, concurrency=1)
    recorder = spy(fake)

    result = mirror(connect(recorder, api_key=key), dest)

    assert result.ok
    assert len(result.already_there) >= 1
    assert set(result.downloaded) | set(result.already_there) == set(ids)
    assert fetched(recorder).keys() == set(result.downloaded)
    assert_mirrors(fake, owner, dest)


def test_a_stream_cut_short_is_applied_but_not_acknowledged(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    fake.add_asset(make_jpeg(1), filename="IMG_1.jpg", owner=owner)
    first_run(fake, connect, dest, key)
    new = fake.add_asset(make_jpeg(2), filename="IMG_2.jpg", owner=owner)

    def cut(request: httpx.Request) -> httpx.Response | None:
        """The server's answer without its last line (SyncCompleteV1)."""
        if not request.url.path.endswith("/sync/stream"):
            return None
        answer = fake_answer(fake, request)
        lines = answer.content.splitlines(keepends=True)
        headers = {"content-type": answer.headers["content-type"]}
        return httpx.Response(200, headers=headers, content=b"".join(lines[:-1]))

    cut_short = mirror(connect(Recorder(fake.transport(), hook=cut), api_key=key), dest)

    assert not cut_short.complete
    assert not cut_short.ok
    assert set(cut_short.downloaded) == {new}  # what arrived is applied
    assert any("SyncCompleteV1" in note for note in cut_short.notes)
    recorder = spy(fake)
    again = mirror(connect(recorder, api_key=key), dest)
    assert again.ok
    assert again.events > 1  # the same changes, read again
    assert fetched(recorder) == Counter()  # and not downloaded again


def test_a_stream_that_breaks_off_is_applied_but_not_acknowledged(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    fake.add_asset(make_jpeg(1), filename="IMG_1.jpg", owner=owner)
    first_run(fake, connect, dest, key)
    new = fake.add_asset(make_jpeg(2), filename="IMG_2.jpg", owner=owner)

    def broken(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/sync/stream"):
            return None
        answer = fake_answer(fake, request)
        first_line = answer.content.splitlines(keepends=True)[0]
        return httpx.Response(200, headers=answer.headers, stream=BrokenStream(first_line))

    client = connect(Recorder(fake.transport(), hook=broken), api_key=key)
    result = mirror(client, dest)

    assert not result.ok
    assert set(result.downloaded) == {new}
    assert any("broke off after 1 changes" in note for note in result.notes)
    again = mirror(connect(fake.transport(), api_key=key), dest)
    assert again.ok
    assert again.downloaded == {}


def test_a_reset_from_the_server_lists_everything_again(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(3)]
    first_run(fake, connect, dest, key)
    client = connect(fake.transport())
    client.login(EMAIL, PASSWORD)
    mine = next(s for s in client.sessions.get_sessions() if s.device_type == "Immich SDK mirror")
    client.sessions.update_session(mine.id, is_pending_sync_reset=True)
    recorder = spy(fake)

    result = mirror(connect(recorder, api_key=key), dest)

    assert result.ok
    assert result.full
    assert any("SyncResetV1" in note for note in result.notes)
    assert fetched(recorder) == Counter()
    assert result.assets == len(ids)


def test_a_dry_run_changes_nothing(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(2)]

    result = first_run(fake, connect, dest, key, dry_run=True)

    assert result.dry_run
    assert set(result.would_download) == set(ids)
    assert tree(dest.parent) == []  # (not even the folder)
    client = connect(fake.transport())
    client.login(EMAIL, PASSWORD)
    assert [s.device_type for s in client.sessions.get_sessions()] == [""]  # signed out

    first_run(fake, connect, dest, key)
    new = fake.add_asset(make_jpeg(5), filename="NEW.jpg", owner=owner)
    before = tree(dest)
    dry = mirror(connect(fake.transport(), api_key=key), dest, dry_run=True)
    assert dry.would_download == (new,)
    assert tree(dest) == before
    real = mirror(connect(fake.transport(), api_key=key), dest)
    assert set(real.downloaded) == {new}


def test_missing_and_damaged_files_are_fetched_again(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(3)
    ]
    first_run(fake, connect, dest, key)
    (dest / "2024" / "05" / "IMG_0.jpg").unlink()
    (dest / "2024" / "05" / "IMG_1.jpg").write_bytes(b"bit rot")

    noticed = mirror(connect(fake.transport(), api_key=key), dest)
    assert set(noticed.downloaded) == {ids[0]}  # a missing file is always noticed

    verified = mirror(connect(fake.transport(), api_key=key), dest, verify=True)
    assert set(verified.downloaded) == {ids[1]}
    assert (dest / ".trash" / "damaged" / "2024" / "05" / "IMG_1.jpg").read_bytes() == b"bit rot"
    assert_mirrors(fake, owner, dest)


def test_locked_assets_are_described_not_downloaded(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(2)]
    setup = connect(fake.transport(), api_key=key)
    setup.assets.update_assets(ids=[ids[0]], visibility="locked")

    result = first_run(fake, connect, dest, key)

    assert result.ok
    assert result.locked == (ids[0],)
    assert set(result.downloaded) == {ids[1]}


def test_album_links_renames_and_deletions(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(2)
    ]
    setup = connect(fake.transport(), api_key=key)
    trip = setup.albums.create_album(album_name="Trip", asset_ids=ids)
    setup.albums.create_album(album_name="Trip", asset_ids=ids[:1])  # same name
    first_run(fake, connect, dest, key, album_links=True)

    assert sorted(p.name for p in (dest / "albums").iterdir()) == [
        "Trip",
        "Trip (2)",
        "Trip (2).json",
        "Trip.json",
    ]
    links = {p.name: os.readlink(p) for p in (dest / "albums" / "Trip").iterdir()}
    trip_folder = "Trip" if len(links) == 2 else "Trip (2)"
    links = {p.name: os.readlink(p) for p in (dest / "albums" / trip_folder).iterdir()}
    assert links == {"IMG_0.jpg": "../../2024/05/IMG_0.jpg", "IMG_1.jpg": "../../2024/05/IMG_1.jpg"}
    assert (dest / "albums" / trip_folder / "IMG_0.jpg").read_bytes() == make_jpeg(0)

    setup.albums.update_album_info(trip.id, album_name="Lake")
    renamed = mirror(connect(fake.transport(), api_key=key), dest, album_links=True)
    assert renamed.albums == 1
    assert (dest / "albums" / "Lake.json").is_file()
    assert (dest / "albums" / "Lake").is_dir()

    setup.albums.delete_album(trip.id)
    gone = mirror(connect(fake.transport(), api_key=key), dest, album_links=True)
    assert gone.albums_deleted == 1
    manifest = json.loads((dest / "albums" / "Lake.json").read_text())
    assert manifest["deletedFromServer"] is True
    assert len(manifest["assets"]) == 2


def test_an_album_named_like_anothers_manifest_gets_names_of_its_own(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    asset = fake.add_asset(make_jpeg(1), filename="IMG.jpg", owner=owner, taken_at=MAY)
    setup = connect(fake.transport(), api_key=key)
    setup.albums.create_album(album_name="Trip.json", asset_ids=[asset])
    setup.albums.create_album(album_name="Trip", asset_ids=[asset])

    first = first_run(fake, connect, dest, key, album_links=True)
    again = mirror(connect(fake.transport(), api_key=key), dest, album_links=True)

    assert first.ok
    assert again.ok
    manifests = sorted(p.name for p in (dest / "albums").glob("*.json") if p.is_file())
    names = sorted(json.loads((dest / "albums" / m).read_text())["name"] for m in manifests)
    assert names == ["Trip", "Trip.json"]
    for manifest in manifests:
        links = dest / "albums" / manifest[: -len(".json")]
        assert (links / "IMG.jpg").read_bytes() == make_jpeg(1)


def test_the_layout_is_fixed_by_the_first_files(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    fake.add_asset(make_jpeg(1), filename="IMG.jpg", owner=owner)
    with pytest.raises(ValueError, match="album"):
        first_run(fake, connect, dest, key, layout="{album}/{yyyy}")
    # A first try that fails before any file (no password given) fixes nothing.
    with pytest.raises(ConfigurationError):
        mirror(connect(fake.transport(), api_key=key), dest, layout="{yyyy}")
    first_run(fake, connect, dest, key, layout="{original}")
    assert (dest / "IMG.jpg").is_file()
    with pytest.raises(ValueError, match="fixed by its first files"):
        mirror(connect(fake.transport(), api_key=key), dest, layout="{yyyy}")


def test_one_run_at_a_time(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    _, key = ann
    first_run(fake, connect, dest, key)
    held = MirrorState.open(dest, dry_run=False)
    try:
        with pytest.raises(MirrorLockedError, match="another run"):
            mirror(connect(fake.transport(), api_key=key), dest)
    finally:
        held.close()


def test_a_relative_destination(
    fake: FakeImmich,
    ann: tuple[str, str],
    connect: Connect,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner, key = ann
    fake.add_asset(make_jpeg(1), filename="IMG_1.jpg", owner=owner, taken_at=MAY)
    monkeypatch.chdir(tmp_path)
    first_run(fake, connect, Path("relative"), key)
    recorder = spy(fake)

    again = mirror(connect(recorder, api_key=key), "relative")

    assert again.ok
    assert again.downloaded == {}
    assert fetched(recorder) == Counter()
    assert_mirrors(fake, owner, tmp_path / "relative")


def test_tags_of_many_changed_assets_are_found_by_tag_first(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(60)]
    setup = connect(fake.transport(), api_key=key)
    [river, lake] = setup.tags.upsert_tags(tags=["places/river", "places/lake"])
    setup.tags.tag_assets(river.id, ids=ids[:2])
    setup.tags.tag_assets(lake.id, ids=[ids[1]])
    setup.assets.delete_assets(ids=[ids[1]])  # (a trashed asset keeps its tags)
    recorder = spy(fake)

    mirror(connect(recorder, api_key=key), dest, email=EMAIL, password=PASSWORD)

    side = sidecars(dest)
    assert side[ids[0]]["tags"] == ["places/river"]
    assert side[ids[1]]["tags"] == ["places/lake", "places/river"]
    assert all(side[i]["tags"] == [] for i in ids[2:])
    # Read one by one only for the two tagged assets, not for the sixty.
    assert len(recorder.sent("GET", "/assets/*")) == 2
    assert_mirrors(fake, owner, dest)


def test_tags_that_could_not_be_read_are_read_by_the_next_run(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    asset = fake.add_asset(make_jpeg(1), filename="IMG.jpg", owner=owner, taken_at=MAY)
    first_run(fake, connect, dest, key)
    setup = connect(fake.transport(), api_key=key)
    lake = setup.tags.create_tag(name="lake")
    setup.tags.tag_assets(lake.id, ids=[asset])

    def busy(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and request.url.path == f"/api/assets/{asset}":
            return httpx.Response(503, json={"message": "busy"})
        return None

    failing = mirror(
        connect(Recorder(fake.transport(), hook=busy), api_key=key, max_retries=0), dest
    )
    assert any("tags of 1 asset(s) could not be read" in note for note in failing.notes)
    again = mirror(connect(fake.transport(), api_key=key), dest)

    assert again.notes == ()
    assert sidecars(dest)[asset]["tags"] == ["lake"]
    assert_mirrors(fake, owner, dest)


def test_a_deletion_is_reported_by_the_run_that_learns_it_only(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [
        fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner, taken_at=MAY)
        for i in range(2)
    ]
    first_run(fake, connect, dest, key)
    connect(fake.transport(), api_key=key).assets.delete_assets(ids=[ids[0]], force=True)

    learnt = mirror(connect(fake.transport(), api_key=key), dest)
    listed_again = mirror(connect(fake.transport(), api_key=key), dest, full=True)

    assert learnt.deleted == (ids[0],)
    assert listed_again.deleted == ()


def test_checkpoints_the_server_lost_mean_a_full_listing(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(3)]
    first_run(fake, connect, dest, key)
    state = MirrorState.open(dest, dry_run=False)
    token = state.get("session_token")
    state.close()
    assert token
    session = connect(fake.transport(), access_token=token)
    session.sync.delete_sync_ack()  # (as an administrator's reset might)
    session.assets.delete_assets(ids=[ids[0]], force=True)
    recorder = spy(fake)

    result = mirror(connect(recorder, api_key=key), dest)

    assert result.ok
    assert result.full
    assert any("no checkpoint" in note for note in result.notes)
    assert result.deleted == (ids[0],)
    assert fetched(recorder) == Counter()


def test_a_dry_run_never_resets_the_servers_checkpoints(
    fake: FakeImmich, ann: tuple[str, str], connect: Connect, dest: Path
) -> None:
    owner, key = ann
    ids = [fake.add_asset(make_jpeg(i), filename=f"IMG_{i}.jpg", owner=owner) for i in range(2)]
    first_run(fake, connect, dest, key)
    state = MirrorState.open(dest, dry_run=True)
    session = connect(fake.transport(), access_token=state.get("session_token"))
    state.close()
    before = session.sync.get_sync_ack()

    dry = mirror(connect(fake.transport(), api_key=key), dest, full=True, dry_run=True)

    assert not dry.full
    assert dry.deleted == ()  # (a partial listing notes nothing as gone)
    assert any("does not reset" in note for note in dry.notes)
    assert session.sync.get_sync_ack() == before
    again = mirror(connect(fake.transport(), api_key=key), dest)
    assert not again.full
    assert again.assets == len(ids)
