"""``immich upload`` (with ``--watch``) and ``immich download`` against a FakeImmich."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from immich._transfer.progress import Progress, ProgressCallback
from immich._transfer.results import DownloadResult
from immich.cli._progress import ProgressDisplay, progress_enabled
from immich.testing import FakeImmich
from tests.cli.conftest import Invoke, make_jpeg


def _names(fake: FakeImmich) -> list[str]:
    return sorted(fake.asset(i)["originalFileName"] for i in fake.asset_ids())


# ---- upload -------------------------------------------------------------------------------


def test_upload_a_folder(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    (photos / "notes.txt").write_text("not a photo")
    result = invoke("upload", str(photos), *connect)
    assert result.exit_code == 0, result
    assert _names(fake) == ["a.jpg", "b.jpg", "c.jpg"]
    assert "Uploaded\t3 files" in result.stdout
    assert "Unsupported\t1 file" in result.stdout
    assert f"{photos / 'notes.txt'}" in result.stdout  # the file is named


def test_upload_json_and_duplicates(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    first = invoke("upload", str(photos), "--json", *connect)
    assert first.exit_code == 0, first
    data = first.json()
    assert len(data["uploaded"]) == 3
    assert data["ok"] is True
    again = invoke("upload", str(photos), "--json", *connect).json()
    assert again["uploaded"] == {}
    assert set(again["duplicates"].values()) == set(data["uploaded"].values())


def test_upload_into_an_album(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    result = invoke("upload", str(photos), "--album", "Holiday", "--json", *connect)
    albums = result.json()["albums"]
    assert list(albums) == ["Holiday"]
    listed = invoke("api", "albums", "get_all_albums", *connect).api_result()
    assert [(a["albumName"], a["assetCount"]) for a in listed] == [("Holiday", 3)]


def test_upload_albums_from_folders(invoke: Invoke, connect: list[str], photos: Path) -> None:
    result = invoke("upload", str(photos), "--album-from-folder", "--json", *connect)
    assert sorted(result.json()["albums"]) == ["photos", "trip"]


def test_upload_options(invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich) -> None:
    make_jpeg(photos / ".hidden.jpg", 10)
    make_jpeg(photos / "skip.jpg", 11)
    result = invoke(
        "upload",
        str(photos),
        "--no-recursive",
        "--ignore",
        "skip.*",
        "--favorite",
        "--visibility",
        "archive",
        "-c",
        "2",
        *connect,
    )
    assert result.exit_code == 0, result
    assert _names(fake) == ["a.jpg", "b.jpg"]
    for asset_id in fake.asset_ids():
        assert fake.asset(asset_id)["isFavorite"] is True
        assert fake.asset(asset_id)["visibility"] == "archive"
    hidden = invoke("upload", str(photos), "--include-hidden", "--json", *connect).json()
    assert sorted(Path(p).name for p in hidden["uploaded"]) == [".hidden.jpg", "c.jpg", "skip.jpg"]


def test_upload_dry_run_changes_nothing(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    result = invoke("upload", str(photos), "--dry-run", *connect)
    assert result.exit_code == 0, result
    assert "Would upload" in result.stdout
    assert "a.jpg" in result.stdout
    assert fake.asset_ids() == []


def test_upload_delete_removes_local_files(
    invoke: Invoke, connect: list[str], photos: Path
) -> None:
    result = invoke("upload", str(photos), "--delete", "--json", *connect)
    assert len(result.json()["deleted"]) == 3
    assert not list(photos.rglob("*.jpg"))


def test_upload_delete_duplicates(
    invoke: Invoke, connect: list[str], photos: Path, tmp_path: Path
) -> None:
    invoke("upload", str(photos), *connect)
    copy = tmp_path / "copy.jpg"
    copy.write_bytes((photos / "a.jpg").read_bytes())
    result = invoke("upload", str(copy), "--delete-duplicates", "--json", *connect)
    assert result.json()["deleted"] == [str(copy)]
    assert not copy.exists()


def test_upload_failures_exit_1(
    invoke: Invoke, connect: list[str], photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from immich._sync import upload as workflow

    real = workflow.sha1_file

    def unreadable(path: str | os.PathLike[str]) -> bytes:
        if Path(path).name == "b.jpg":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(workflow, "sha1_file", unreadable)
    result = invoke("upload", str(photos), "--no-hash-cache", *connect)
    assert result.exit_code == 1
    assert "b.jpg" in result.stdout
    assert "Permission denied" in result.stdout


def test_upload_usage_errors(invoke: Invoke, connect: list[str], photos: Path) -> None:
    both = invoke("upload", str(photos), "--album", "x", "--album-from-folder", *connect)
    assert both.exit_code == 2
    missing = invoke("upload", str(photos / "nope"), *connect)
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    visibility = invoke("upload", str(photos), "--visibility", "public", *connect)
    assert visibility.exit_code == 2
    assert "archive" in visibility.stderr


def test_upload_organises_stacks_tags_and_dates(
    invoke: Invoke, connect: list[str], tmp_path: Path, fake: FakeImmich
) -> None:
    root = tmp_path / "Pictures"
    jpg = make_jpeg(root / "Trips" / "Rome" / "IMG_0001.JPG", 1)
    cr2 = root / "Trips" / "Rome" / "IMG_0001.CR2"
    cr2.write_bytes(b"II*\x00" + b"raw" * 20)
    named = make_jpeg(root / "IMG_20240501_102030.jpg", 2)
    fake.job_delay = 0.05  # the server processes the files a moment later
    args = ["upload", str(root), "--stack", "--tag", "Imported", "--tags-from-folders"]
    args += ["--date-from-name", "--wait", "--no-hash-cache"]

    result = invoke(*args, "--json", *connect)

    assert result.exit_code == 0, result
    data = result.json()
    assert list(data["stacks"].values()) == [[str(jpg), str(cr2)]]
    assert data["tags"][str(jpg)] == ["Imported", "Trips/Rome"]
    assert data["tags"][str(named)] == ["Imported"]
    assert data["dates"][str(named)] == {
        "taken": "2024-05-01T10:20:30+00:00",
        "source": "name",
        "rule": "date-time",
    }
    assert data["unprocessed"] == {}
    assert all(fake.asset(i)["thumbhash"] for i in data["uploaded"].values())

    again = invoke(*args, *connect)  # the same, for humans: everything is there already
    assert again.exit_code == 0, again
    assert "Stacks" in again.stdout
    assert "Tagged" in again.stdout
    assert "Imported, Trips/Rome" in again.stdout


def test_upload_dates_by_name_for_humans(
    invoke: Invoke, connect: list[str], tmp_path: Path
) -> None:
    make_jpeg(tmp_path / "IMG-20230102-WA0007.jpg", 1)
    make_jpeg(tmp_path / "plain.jpg", 2)
    result = invoke("upload", str(tmp_path), "--date-from-name", "--no-hash-cache", *connect)
    assert result.exit_code == 0, result
    assert "Dates from" in result.stdout
    assert "file time 1, name 1" in result.stdout
    assert "Dated by name" in result.stdout
    assert "2023-01-02 00:00:00" in result.stdout
    assert "whatsapp" in result.stdout


def test_upload_wait_timeout_is_reported(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    fake.job_delay = 60
    result = invoke(
        "upload", str(photos), "--tag", "T", "--wait", "--wait-timeout", "0.1", *connect
    )
    assert result.exit_code == 1  # the files are there, but untagged
    assert "Not processed" in result.stdout
    assert "still being processed" in result.stdout
    assert "not tagged" in result.stdout


def test_upload_organising_usage_errors(invoke: Invoke, connect: list[str], photos: Path) -> None:
    bad = invoke("upload", str(photos), "--tag", " / ", *connect)
    assert bad.exit_code == 2
    assert "--tag: not a tag" in bad.stderr


def test_upload_interrupted_exits_130(
    invoke: Invoke, connect: list[str], photos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, progress: ProgressCallback, **kwargs: object) -> None:
        progress(Progress("upload", 23, 50, 1000, 2000))
        raise KeyboardInterrupt

    monkeypatch.setattr("immich._sync.upload.upload", interrupted)
    result = invoke("upload", str(photos), *connect)
    assert result.exit_code == 130
    assert "interrupted while uploading (23 of 50 done); run the same command" in result.stderr


def test_upload_watch_picks_up_new_files_once_stable(
    invoke: Invoke,
    connect: list[str],
    photos: Path,
    fake: FakeImmich,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    polls: list[int] = []
    late = photos / "late.jpg"

    def pause(seconds: float) -> None:
        polls.append(1)
        if len(polls) == 1:
            make_jpeg(late, 50)  # appears: seen on poll 1, unchanged on poll 2
        elif len(polls) == 2:
            assert _names(fake) == ["a.jpg", "b.jpg", "c.jpg"]  # not stable yet
        elif len(polls) == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr("immich.cli._watch.pause", pause)
    result = invoke("upload", str(photos), "--watch", "--json", *connect)
    assert result.exit_code == 0, result
    passes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [len(p["uploaded"]) for p in passes] == [3, 1]
    assert list(passes[1]["uploaded"]) == [str(late)]
    assert "late.jpg" in _names(fake)
    assert "Stopped watching" in result.stderr


def test_watcher_waits_for_a_file_to_stop_changing(tmp_path: Path) -> None:
    from immich._transfer.files import WalkOptions
    from immich.cli._watch import Watcher

    watcher = Watcher([tmp_path], WalkOptions())
    watcher.mark_current()
    growing = tmp_path / "video.mp4"
    growing.write_bytes(b"x" * 10)
    assert watcher.poll() == []  # new
    growing.write_bytes(b"x" * 20)
    assert watcher.poll() == []  # still changing
    assert watcher.poll() == [growing]  # unchanged for two polls
    assert watcher.poll() == []  # handed over once
    growing.write_bytes(b"y" * 30)
    assert watcher.poll() == []
    assert watcher.poll() == [growing]  # a change is new work again
    growing.unlink()
    assert watcher.poll() == []


# ---- download -----------------------------------------------------------------------------


@pytest.fixture
def album(invoke: Invoke, connect: list[str], photos: Path) -> str:
    result = invoke("upload", str(photos), "--album", "Holiday", "--json", *connect)
    return str(result.json()["albums"]["Holiday"])


def test_download_an_album_with_a_layout(
    invoke: Invoke, connect: list[str], album: str, photos: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    result = invoke(
        "download", str(target), "--album", "Holiday", "--layout", "{album}/{yyyy}", *connect
    )
    assert result.exit_code == 0, result
    assert "Downloaded" in result.stdout
    files = sorted(p.relative_to(target) for p in target.rglob("*.jpg"))
    assert len(files) == 3
    assert all(f.parts[0] == "Holiday" and len(f.parts) == 3 for f in files)
    again = invoke(
        "download", str(target), "--album", album, "--layout", "{album}/{yyyy}", "--json", *connect
    )
    data = again.json()
    assert (len(data["downloaded"]), len(data["skipped"])) == (0, 3)


def test_download_selected_assets(
    invoke: Invoke, connect: list[str], fake: FakeImmich, tmp_path: Path
) -> None:
    wanted = fake.add_asset(b"\xff\xd8\xff\xd9 wanted", filename="wanted.jpg")
    fake.add_asset(b"\xff\xd8\xff\xd9 other", filename="other.jpg")
    result = invoke("download", str(tmp_path / "out"), "--asset-id", wanted, "--json", *connect)
    assert result.exit_code == 0, result
    assert list(result.json()["downloaded"]) == [wanted]
    assert (tmp_path / "out" / "wanted.jpg").read_bytes() == b"\xff\xd8\xff\xd9 wanted"


def test_download_by_date_and_favorite(
    invoke: Invoke, connect: list[str], fake: FakeImmich, tmp_path: Path
) -> None:
    fake.add_asset(b"\xff\xd8 old", filename="old.jpg", taken_at="2019-01-01T00:00:00Z")
    fake.add_asset(b"\xff\xd8 new", filename="new.jpg", taken_at="2024-03-01T00:00:00Z")
    fake.add_asset(
        b"\xff\xd8 fav", filename="fav.jpg", taken_at="2024-04-01T00:00:00Z", is_favorite=True
    )
    dated = invoke(
        "download",
        str(tmp_path / "d"),
        "--taken-after",
        "2020-01-01",
        "--taken-before",
        "2024-03-15",
        "--json",
        *connect,
    )
    assert dated.exit_code == 0, dated
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["new.jpg"]
    favorites = invoke("download", str(tmp_path / "f"), "--favorite", *connect)
    assert favorites.exit_code == 0, favorites
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == ["fav.jpg"]


def test_download_archive(invoke: Invoke, connect: list[str], album: str, tmp_path: Path) -> None:
    result = invoke(
        "download", str(tmp_path), "--archive", "--album", "Holiday", "--json", *connect
    )
    assert result.exit_code == 0, result
    (archive,) = result.json()["archives"]
    with zipfile.ZipFile(archive["path"]) as zipped:
        assert sorted(Path(n).name for n in zipped.namelist()) == ["a.jpg", "b.jpg", "c.jpg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--archive", "--taken-after", "2020-01-01"], "--archive takes only"),
        (["--archive", "--album", "x", "--asset-id", "y"], "not both"),
        (["--taken-after", "yesterday-ish"], "--taken-after"),
        (["--asset-id", "x", "--album", "y"], "cannot be combined"),
        (["--layout", "{year}/{mm}"], "--layout: unknown layout field {year}"),
        (["--layout", ""], "--layout: the layout is empty"),
    ],
)
def test_download_usage_errors(
    invoke: Invoke, connect: list[str], tmp_path: Path, args: list[str], message: str
) -> None:
    result = invoke("download", str(tmp_path), *args, *connect)
    assert result.exit_code == 2, result
    assert message in result.stderr


def test_download_of_an_unknown_album(invoke: Invoke, connect: list[str], tmp_path: Path) -> None:
    result = invoke("download", str(tmp_path), "--album", "Nope", *connect)
    assert result.exit_code == 1
    assert "Nope" in result.stderr


def test_download_failures_exit_1(
    invoke: Invoke, connect: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object, **kwargs: object) -> DownloadResult:
        return DownloadResult(failed={"asset-1": "checksum mismatch"})

    monkeypatch.setattr("immich._sync.download.download", failing)
    result = invoke("download", str(tmp_path), *connect)
    assert result.exit_code == 1
    assert "asset-1" in result.stdout
    assert "checksum mismatch" in result.stdout


# ---- progress -------------------------------------------------------------------------------


def test_progress_bar_follows_the_phases() -> None:
    import io

    from rich.console import Console

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with ProgressDisplay(console, enabled=True) as display:
        display(Progress("hash", 0, 2, 0, 2048))
        display(Progress("hash", 2, 2, 2048, 2048))
        display(Progress("upload", 1, 2, 1024, 2048))
        display(Progress("album", 1, 1, 2, 2))
    text = stream.getvalue()
    for label in ("Hashing", "Uploading", "Albums", "1.0 KiB/2.0 KiB"):
        assert label in text


def test_a_phase_with_nothing_to_do_shows_no_bar() -> None:
    """Every checksum from the cache: no "Hashing 0/0"."""
    import io

    from rich.console import Console

    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100)
    with ProgressDisplay(console, enabled=True) as display:
        display(Progress("hash", 0, 0, 0, 0))
        display(Progress("upload", 1, 2, 1024, 2048))
    text = stream.getvalue()
    assert "Uploading" in text
    assert "Hashing" not in text


def test_no_progress_bar_when_piped_or_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert progress_enabled(False) is False

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdout", Terminal())
    assert progress_enabled(False) is True
    assert progress_enabled(True) is False


def test_upload_json_is_one_document_per_pass(
    invoke: Invoke, connect: list[str], photos: Path
) -> None:
    (document,) = invoke("upload", str(photos), "--json", *connect).json_lines()
    assert document["schema"] == "immich.upload"
    assert {"uploaded", "duplicates", "bytesUploaded", "albumFailures", "dryRun", "ok"} <= set(
        document
    )


def test_mirror_without_an_email_says_how_to_sign_in(
    invoke: Invoke, connect: list[str], tmp_path: Path
) -> None:
    result = invoke("mirror", str(tmp_path / "mirror"), *connect)
    assert result.exit_code == 2, result
    assert "pass --email EMAIL" in result.stderr
    assert "client.login" not in result.stderr  # (the library's advice, not the command's)
    assert not (tmp_path / "mirror").exists()


def test_a_mirror_dry_run_reports_what_it_would_do(
    invoke: Invoke, url: str, fake: FakeImmich, tmp_path: Path
) -> None:
    fake.add_asset(b"\xff\xd8\xff\xd9 first", filename="first.jpg")
    sign_in = ["--url", url, "--email", fake.admin_email, "--password-stdin"]
    target = tmp_path / "mirror"
    dry = invoke("mirror", str(target), *sign_in, "--dry-run", input=fake.admin_password + "\n")
    assert dry.exit_code == 0, dry
    assert "Would download" in dry.stdout
    assert "Would download\t1 file\n" in dry.stdout
    assert "Downloaded" not in dry.stdout
    assert "written" not in dry.stdout
    assert not target.exists()


def test_mirror_json_and_a_later_run_fetches_only_what_is_new(
    invoke: Invoke, url: str, fake: FakeImmich, tmp_path: Path
) -> None:
    first_id = fake.add_asset(b"\xff\xd8\xff\xd9 first", filename="first.jpg")
    target = tmp_path / "mirror"
    sign_in = ["--url", url, "--email", fake.admin_email, "--password-stdin"]
    first = invoke("mirror", str(target), *sign_in, "--json", input=fake.admin_password + "\n")
    assert first.exit_code == 0, first
    report = first.json()
    assert report["schema"] == "immich.mirror"
    assert list(report["downloaded"]) == [first_id]
    assert report["ok"]
    assert report["complete"]
    assert report["bytesDownloaded"] == 10
    assert (target / report["downloaded"][first_id]).read_bytes() == b"\xff\xd8\xff\xd9 first"

    second_id = fake.add_asset(b"\xff\xd8\xff\xd9 second", filename="second.jpg")
    again = invoke("mirror", str(target), "--url", url, "--json").json()
    assert list(again["downloaded"]) == [second_id]
    assert again["alreadyThere"] == {}
    assert again["ok"]
