"""Every code snippet of the documentation runs, so the docs stay true.

How a snippet runs: the pages include files from ``docs/snippets/`` with
``--8<-- "name.py"``. Each file is a complete script that reads ``IMMICH_URL`` and
``IMMICH_API_KEY`` (``Client()`` with no arguments), like a reader's script would. Here
each one runs in-process with :func:`runpy.run_path` against a fresh FakeImmich served on
loopback, with those variables set and the working directory a temporary folder, both
seeded by :mod:`tests.docs.seed` (three photos in an album "Trip"; ``photo.jpg`` and
``Pictures/`` to upload). The test then checks what the snippet printed.

- ``docs/snippets/*.py``: SDK code. Each must have an entry in :data:`EXPECTED`.
- ``docs/snippets/compare/*.py``: the same tasks with requests, httpx, aiohttp and
  immichpy, for the migration guide. They run too when their library is installed
  (immichpy is not a dependency of this project), and must at least compile.
- ``docs/snippets/testing_pytest.py``: a test module; it runs under pytest with the
  ``immich.testing.pytest_plugin`` plugin.
"""

from __future__ import annotations

import importlib.util
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from immich import APIStatusError
from immich.testing import FakeImmich
from tests.docs.seed import seed_files, seed_server

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SNIPPETS = DOCS / "snippets"
COMPARE = SNIPPETS / "compare"
PYTEST_SNIPPET = "testing_pytest.py"

#: For each SDK snippet: lines (or parts of lines) it must print, in this order.
EXPECTED: dict[str, list[str]] = {
    "getting_started_sync.py": [
        "Immich 3.0.3",
        "Signed in as Admin <admin@example.com>",
        "Trip: 3 assets",
    ],
    "getting_started_async.py": ["Admin has 1 albums"],
    "getting_started_auth.py": [
        "API key: admin@example.com",
        "Password login: admin@example.com",
        "Access token: admin@example.com",
        "Session cookie: admin@example.com",
    ],
    "models_unset.py": [
        "rating: None",
        "['checksum', 'createdAt', 'duplicateId']",
        "ServerVersionResponseDto(major=3, minor=0, patch=3, prerelease=None)",
    ],
    "errors_handling.py": [
        "not found: 400 Not found or no album.read access",
        "BadRequestError: 400 POST http://127.0.0.1:",
        "server says: Validation failed",
    ],
    "retries_timeouts.py": ["version 3", "photos on the server: 3", "Admin"],
    "streaming_downloads.py": ["thumbnail: ", "saved original-hike.jpg", "same content: True"],
    "pagination.py": [
        "2024-02-20 hike.jpg",
        "2024-02-03 dinner.jpg",
        "2024-01-15 beach.jpg",
        "first page: 2 next page: 2",
    ],
    "server_versions.py": [
        "generated from the Immich API 3.0.3",
        "server (3, 0, 3)",
        "19 queues; 0 paused",
        "pong",
    ],
    "raw_responses.py": ["1 201 created application/json", "2 200 duplicate application/json"],
    "logging_setup.py": [],  # logs go to stderr; checked below
    "guide_bulk_upload.py": [
        "would upload: 2 files",
        "upload: 2/2",
        "2 new, 0 already there",
        "second run: 0 new, 2 duplicates",
        "ok: True",
    ],
    "guide_album_download.py": [
        "3 downloaded, 0 skipped, ok=True",
        "  Trip/2024/01/beach.jpg",
        "  Trip/2024/02/dinner.jpg",
        "  Trip/2024/02/hike.jpg",
        "second run: 0 downloaded, 3 skipped",
        "archive: Trip.zip",
    ],
    "guide_mirror.py": [
        "3 downloaded, 1 album, ok=True",
        "  2024/01/beach.jpg",
        "  2024/01/beach.jpg.json",
        "  2024/02/hike.jpg.json",
        "  albums/Trip.json",
        "second run: 4 changes read, 0 downloaded, 1 sidecar updated, 1 album written",
        "beach.jpg ['Best of', 'Trip']",
    ],
    "guide_sync_stream.py": [
        "asset beach.jpg False",
        "asset hike.jpg False",
        "album Trip",
        "complete",
        "['SyncCompleteV1']",
    ],
    "guide_external_library.py": [
        "True valid",
        "added 2, removed 0, unchanged 0",
        "NAS photos: 2 photos, 0 videos",
    ],
    "guide_jobs.py": [
        "thumbnailGeneration",
        "paused: True",
        "thumbnail queue idle",
        "person-cleanup: done in ",
        " s, 0 failed",
    ],
    "guide_waiting.py": [
        "garden.jpg: taken ",
        "sunset.jpg: taken ",
        "given up on: {}",
        "  job: 0 pending",
        "tag-cleanup ran in the backgroundTask queue; 0 jobs failed",
        "nothing pending",
    ],
    "guide_upload_organise.py": [
        "garden.jpg: tagged Imported, 2024",
        "sunset.jpg: tagged Imported",
        "garden.jpg: ",
        " from file",
        "stacks: 0 not processed: 0 ok: True",
    ],
    "guide_tags_albums.py": [
        "2024-01: 1 assets, 'Photos of 2024-01'",
        "2024-02: 2 assets, 'Photos of 2024-02'",
        "tagged Years/2024: 3",
    ],
    "guide_shared_links.py": ["/share/", "expires ", "ALBUM For the family"],
    "guide_admin.py": [
        "created alice@example.com must change password: True",
        "alice@example.com        admin=False",
        "server: 3 photos, 0 videos",
        "new key: backup script ['asset.read', 'asset.download']",
        "ApiKeyCreateResponseDto(api_key=ApiKeyResponseDto(",
        "name='backup script'",
        "secret='***')",
    ],
    "migration_server_version.py": ["3.0.3"],
    "migration_upload.py": ["created ", "2 uploaded, 0 duplicates"],
    "migration_albums.py": ["Trip (3 assets), updated ", "   hike.jpg", "   beach.jpg"],
    # Immich answers 400 for an id it cannot find; the SDK's NotFoundError catches it.
    "migration_errors.py": ["400 Not found or no asset.read access"],
    "migration_timeouts.py": ["1 albums"],
    "migration_async.py": ["3.0.3 1 albums"],
}

#: Snippets that call operations FakeImmich answers with 501: they must get exactly that
#: far (so every call before it, and the arguments of that one, are right).
NOT_IN_FAKE: dict[str, str] = {}

#: What each comparison snippet prints against the seeded fake.
COMPARE_EXPECTED = {
    "server_version": ["3.0.3"],
    "upload": ["created "],
    "albums": ["Trip (3 assets)", "   hike.jpg", "   beach.jpg"],
    "errors": ["400 Not found or no asset.read access"],
    "timeouts": ["1 albums"],
}
COMPARE_LIBRARIES = ("requests", "httpx", "aiohttp", "immichpy")
#: Where a library's snippet prints something else than the topic's others.
COMPARE_EXPECTED_BY_SNIPPET = {
    # immichpy's NotFoundException is for 404s only: Immich's 400 falls through to it.
    "errors_immichpy.py": ["error status: 400 Bad Request"],
}


def _sdk_snippets() -> list[str]:
    return sorted(p.name for p in SNIPPETS.glob("*.py") if p.name != PYTEST_SNIPPET)


def _compare_snippets() -> list[str]:
    # immichpy 9.2.4 runs on Python 3.11 and later only: its snippets are not collected on
    # 3.10 (there is nothing to compare with there); everywhere else every one runs.
    names = sorted(p.name for p in COMPARE.glob("*.py"))
    if sys.version_info < (3, 11):
        names = [n for n in names if not n.endswith("_immichpy.py")]
    return names


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeImmich]:
    """A seeded fake on loopback, the environment pointing at it, cwd a seeded folder."""
    fake = FakeImmich()
    seed_server(fake)
    seed_files(tmp_path)
    for name in ("IMMICH_ACCESS_TOKEN", "IMMICH_INSTANCE_URL", "IMMICH_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the upload hash cache
    monkeypatch.chdir(tmp_path)
    with fake.serve() as url:
        monkeypatch.setenv("IMMICH_URL", url)
        monkeypatch.setenv("IMMICH_API_KEY", fake.api_key)
        monkeypatch.setenv("IMMICH_EMAIL", fake.admin_email)
        monkeypatch.setenv("IMMICH_PASSWORD", fake.admin_password)
        yield fake


def _assert_in_order(output: str, expected: Sequence[str | frozenset[str]]) -> None:
    """Each piece printed after the one before; a frozenset's pieces in any order among
    themselves (what a real server orders by its own timing)."""
    position = 0
    for piece in expected:
        after = position
        for part in sorted(piece) if isinstance(piece, frozenset) else [piece]:
            found = output.find(part, position)
            assert found >= 0, f"{part!r} not printed (after position {position}):\n{output}"
            after = max(after, found + len(part))
        position = after


def test_pieces_in_any_order_are_each_checked() -> None:
    printed = "a b\nc\n"
    _assert_in_order(printed, [frozenset({"b", "a"}), "c"])
    with pytest.raises(AssertionError, match="'d' not printed"):
        _assert_in_order(printed, [frozenset({"a", "d"}), "c"])
    with pytest.raises(AssertionError, match="'a' not printed"):
        _assert_in_order(printed, ["c", frozenset({"a"})])


@pytest.mark.parametrize("name", _sdk_snippets())
def test_sdk_snippet_runs_against_the_fake(
    name: str,
    world: FakeImmich,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert name in EXPECTED, f"add what {name} prints to EXPECTED"
    path = SNIPPETS / name
    if name in NOT_IN_FAKE:
        with pytest.raises(APIStatusError) as caught:
            runpy.run_path(str(path), run_name="__main__")
        assert caught.value.status_code == 501
        assert f"does not implement {NOT_IN_FAKE[name]}" in str(caught.value)
        return
    runpy.run_path(str(path), run_name="__main__")
    captured = capsys.readouterr()
    _assert_in_order(captured.out, EXPECTED[name])
    if name == "logging_setup.py":  # pytest's handler replaces the snippet's stderr one
        logged = [r.getMessage() for r in caplog.records if r.name == "immich"]
        assert any(
            re.match(r"GET http://127\.0\.0\.1:\d+/api/server/ping -> 200", m) for m in logged
        )
        assert all(world.api_key not in m for m in logged)


@pytest.mark.parametrize("name", _compare_snippets())
@pytest.mark.filterwarnings("ignore::DeprecationWarning:immichpy")  # its own use of tenacity
def test_comparison_snippet_is_accurate(
    name: str, world: FakeImmich, capsys: pytest.CaptureFixture[str]
) -> None:
    path = COMPARE / name
    compile(path.read_text(encoding="utf-8"), str(path), "exec")
    topic, library = path.stem.rsplit("_", 1)
    assert library in COMPARE_LIBRARIES, name
    assert topic in COMPARE_EXPECTED, name
    # The test group installs every library the guide compares with: none is skipped.
    assert importlib.util.find_spec(library) is not None, f"{library} is not installed"
    runpy.run_path(str(path), run_name="__main__")
    expected = COMPARE_EXPECTED_BY_SNIPPET.get(name, COMPARE_EXPECTED[topic])
    _assert_in_order(capsys.readouterr().out, expected)


def test_the_pytest_snippet_passes(tmp_path: Path) -> None:
    # As in a project of the reader's: the guide's conftest.py, and pytest-asyncio in its
    # default (strict) mode, not this repository's settings.
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["immich.testing.pytest_plugin"]\n')
    (tmp_path / "test_photos.py").write_text((SNIPPETS / PYTEST_SNIPPET).read_text("utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_photos.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def _included_snippets() -> dict[str, list[str]]:
    """``{snippet path relative to docs/snippets: [pages including it]}``."""
    included: dict[str, list[str]] = {}
    for page in DOCS.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'--8<--\s+"([^"]+)"', text):
            included.setdefault(target, []).append(str(page.relative_to(DOCS)))
    return included


def test_every_snippet_is_shown_and_every_inclusion_exists() -> None:
    included = _included_snippets()
    snippet_files = {p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py")}
    assert snippet_files - included.keys() == set(), "snippets no page includes"
    missing = {
        target
        for target in included
        if not (SNIPPETS / target).is_file() and not (ROOT / target).is_file()
    }
    assert missing == set(), "included files that do not exist"


def test_expectations_name_existing_snippets() -> None:
    assert set(EXPECTED) == set(_sdk_snippets())
