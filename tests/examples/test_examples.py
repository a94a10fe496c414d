"""The scripts in examples/ run, each as a reader would run it: a subprocess.

Without IMMICH_URL each starts the built-in fake server and seeds it; with IMMICH_URL
set (here: to a seeded FakeImmich this test serves on loopback) it uses that server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from immich.testing import FakeImmich
from tests.docs.seed import seed_files, seed_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(
    script: str, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    base["XDG_CACHE_HOME"] = str(cwd / ".cache")  # the upload hash cache
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A seeded FakeImmich on loopback, as the environment a script would find."""
    fake = FakeImmich()
    seed_server(fake)
    seed_files(tmp_path)
    with fake.serve() as url:
        yield {"IMMICH_URL": url, "IMMICH_API_KEY": fake.api_key}


def test_every_example_is_tested() -> None:
    tested = {"quickstart.py"} | {
        name for name in re.findall(r'run\(\s*"(\w+\.py)"', Path(__file__).read_text())
    }
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts <= tested


def test_upload_folder_on_the_fake(tmp_path: Path) -> None:
    out = run("upload_folder.py", "--album", "Demo", cwd=tmp_path).stdout
    assert "IMMICH_URL is not set: using the built-in fake server" in out
    assert "No folder given: uploading" in out
    first, second = out.split("Second run:")
    assert first.count("  uploaded ") == 4
    assert "4 uploaded, 0 already on the server, 0 unsupported, 0 failed" in first
    assert "0 uploaded, 4 already on the server" in second
    assert "album 'Demo': " in second


def test_upload_folder_to_a_server(tmp_path: Path, server: dict[str, str]) -> None:
    out = run("upload_folder.py", "Pictures", "--ignore", "*.tmp", cwd=tmp_path, env=server).stdout
    assert "Using the Immich server at http://127.0.0.1:" in out
    assert "2 uploaded, 0 already on the server, 0 unsupported, 0 failed" in out
    # Against a server of one's own, the upload is done once: no demo of a second run.
    assert "Second run" not in out
    assert out.count("uploaded,") == 1


def test_upload_folder_dry_run(tmp_path: Path, server: dict[str, str]) -> None:
    out = run("upload_folder.py", "Pictures", "--dry-run", cwd=tmp_path, env=server).stdout
    assert "would upload 2 files:" in out
    assert "    garden.jpg" in out
    assert "0 uploaded" in out
    assert "Second run" not in out


def test_organise_upload_on_the_fake(tmp_path: Path) -> None:
    out = run("organise_upload.py", "--tag", "Imported", cwd=tmp_path).stdout
    assert "5 uploaded, 0 already on the server" in out
    assert "  stack: Trips/Rome/IMG_0001.JPG over Trips/Rome/IMG_0001.CR2" in out
    assert "  Trips/Rome/IMG_0002.JPG: tagged Imported, Trips/Rome" in out
    assert "  Phone/IMG_20240501_102030.jpg: 2024-05-01 10:20 (date-time)" in out
    assert "  Phone/IMG-20230102-WA0007.jpg: 2023-01-02 00:00 (whatsapp)" in out
    assert "dates from: file 3, name 2" in out
    assert "PROBLEM" not in out


def test_organise_upload_to_a_server(tmp_path: Path, server: dict[str, str]) -> None:
    out = run("organise_upload.py", "Pictures", "--no-stack", cwd=tmp_path, env=server).stdout
    assert "2 uploaded, 0 already on the server" in out
    assert "  2024/garden.jpg: tagged 2024" in out
    assert "stack:" not in out


def test_download_album_on_the_fake(tmp_path: Path) -> None:
    out = run("download_album.py", "--zip", cwd=tmp_path).stdout
    assert "5 downloaded, 0 already there, 0 failed" in out
    assert "    2024/01/IMG_0001.jpg" in out
    assert "    2024/09/IMG_0005.jpg" in out
    assert "0 downloaded, 5 already there" in out
    assert "Archive: Demo trip.zip" in out
    assert (tmp_path / "album-download" / "2024" / "03" / "IMG_0002.jpg").is_file()


def test_download_album_from_a_server(tmp_path: Path, server: dict[str, str]) -> None:
    out = run(
        "download_album.py",
        "Trip",
        "backup",
        "--layout",
        "{album}/{yyyy}",
        cwd=tmp_path,
        env=server,
    ).stdout
    assert "3 downloaded" in out
    assert "    Trip/2024/beach.jpg" in out
    assert sorted(p.name for p in (tmp_path / "backup" / "Trip" / "2024").iterdir()) == [
        "beach.jpg",
        "dinner.jpg",
        "hike.jpg",
    ]


def test_sync_external_library_on_the_fake(tmp_path: Path) -> None:
    out = run("sync_external_library.py", cwd=tmp_path).stdout
    assert "Created library 'External photos'" in out
    assert re.search(r"Import path /\S+/nas: ok", out)
    assert "External photos: 3 photos, 0 videos" in out
    assert "(+3 assets, 0 removed, 0 unchanged)" in out
    assert "Library 'External photos' exists" in out
    assert "External photos: 5 photos, 0 videos" in out
    assert "(+2 assets, 0 removed, 3 unchanged)" in out


def test_sync_external_library_writes_nothing_into_a_folder_it_is_given(tmp_path: Path) -> None:
    """On the fake (no IMMICH_URL) a path given is scanned as it is: demo photos go only
    into a temporary folder of the example's own."""
    given = tmp_path / "photos"
    out = run("sync_external_library.py", str(given), cwd=tmp_path).stdout
    assert not given.exists()
    assert "syncing again" not in out
    missing = tmp_path / "nonexistent" / "photos"
    run("sync_external_library.py", str(missing), cwd=tmp_path)
    assert not (tmp_path / "nonexistent").exists()


def test_sync_external_library_on_a_server(tmp_path: Path, server: dict[str, str]) -> None:
    folder = tmp_path / "Pictures"
    out = run(
        "sync_external_library.py", str(folder), "--name", "NAS", cwd=tmp_path, env=server
    ).stdout
    # Pictures/ holds two photos and a .tmp file the server does not take.
    assert "NAS: 2 photos, 0 videos" in out


def test_run_job_and_wait_on_the_fake(tmp_path: Path) -> None:
    out = run("run_job_and_wait.py", cwd=tmp_path).stdout
    assert "Starting thumbnailGeneration" in out
    assert "The thumbnailGeneration queue is paused with 4 jobs: resuming it" in out
    assert "Done: thumbnailGeneration has no jobs left" in out


def test_run_job_and_wait_for_a_one_off_job(tmp_path: Path, server: dict[str, str]) -> None:
    out = run("run_job_and_wait.py", "tag-cleanup", cwd=tmp_path, env=server).stdout
    assert "Starting tag-cleanup" in out
    assert "Done: tag-cleanup has no jobs left (0 failed)" in out


def test_run_job_and_wait_lists_queues(tmp_path: Path, server: dict[str, str]) -> None:
    out = run("run_job_and_wait.py", "--list", cwd=tmp_path, env=server).stdout
    assert re.search(r"^library\s+running\s+active=0 waiting=0$", out, re.M)


def test_search_by_date_and_person_on_the_fake(tmp_path: Path) -> None:
    done = run(
        "search_by_date_and_person.py", "--person", "Alice", "--before", "2024-06-01", cwd=tmp_path
    )
    out = done.stdout
    assert "This server cannot search people (FakeImmich does not implement searchPerson)" in out
    assert "Searching by date only." in out
    assert "9 assets taken from 2024-01-01 until 2024-06-01" in out
    assert re.search(r"^  2024-05  #{30} 4$", out, re.M)
    assert "2024-08" not in out
    assert "DeprecationWarning" not in done.stderr


def test_search_by_date_on_a_server(tmp_path: Path, server: dict[str, str]) -> None:
    out = run(
        "search_by_date_and_person.py", "--after", "2024-02-01", cwd=tmp_path, env=server
    ).stdout
    assert "2 assets taken from 2024-02-01" in out
    assert "hike.jpg" in out
    assert "beach.jpg" not in out
