"""``whoami``, ``server info``, ``library`` and ``jobs``/``queues`` against a FakeImmich."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from immich import Client
from immich.testing import FakeImmich
from tests.cli.conftest import Invoke


def test_whoami(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("whoami", *connect)
    assert result.exit_code == 0, result
    assert "admin@example.com" in result.stdout
    assert "from --api-key" in result.stdout


def test_whoami_json_is_the_only_stdout(
    invoke: Invoke, connect: list[str], fake: FakeImmich
) -> None:
    result = invoke("whoami", "--json", *connect)
    data = result.json()
    assert data["user"]["id"] == fake.admin_id
    assert data["user"]["isAdmin"] is True
    assert result.stderr == ""


def test_debug_logs_requests_to_stderr_without_the_key(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("whoami", "--json", "--debug", *connect)
    assert result.exit_code == 0, result
    assert "GET" in result.stderr
    assert "/api/users/me" in result.stderr
    result.json()  # stdout is still only the JSON
    # The handler is gone once the command ends.
    assert logging.getLogger("immich").level == logging.NOTSET


def test_server_info(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("server", "info", *connect)
    assert result.exit_code == 0, result
    for expected in ("3.0.3", "Features", "Storage", "Assets", "Usage by user"):
        assert expected in result.stdout


def test_server_info_json(invoke: Invoke, connect: list[str], fake: FakeImmich) -> None:
    fake.add_asset(b"\xff\xd8\xff\xd9 one", filename="one.jpg")
    data = invoke("server", "info", "--json", *connect).json()
    assert data["version"] == "3.0.3"
    assert data["features"]["search"] is True
    assert data["storage"]["diskSizeRaw"] > 0
    assert data["statistics"]["photos"] == 1


def test_server_info_skips_admin_statistics_for_a_user(
    invoke: Invoke, url: str, user_key: str
) -> None:
    result = invoke("server", "info", "--url", url, "--api-key", user_key)
    assert result.exit_code == 0, result
    assert "statistics skipped" in result.stderr
    assert "server.statistics" in result.stderr
    assert "Usage by user" not in result.stdout
    data = invoke("server", "info", "--json", "--url", url, "--api-key", user_key).json()
    assert data["statistics"] is None
    assert data["version"] == "3.0.3"


# ---- library ------------------------------------------------------------------------------


def _create_library(invoke: Invoke, connect: list[str], folder: Path) -> str:
    result = invoke(
        "library", "create", "--name", "Photos", "--import-path", str(folder), "--json", *connect
    )
    assert result.exit_code == 0, result
    return str(result.json()["library"]["id"])


def test_library_create_list_and_scan(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    library_id = _create_library(invoke, connect, photos)
    listed = invoke("library", "list", "--json", *connect).json()["libraries"]
    assert [(lib["id"], lib["name"], lib["importPaths"]) for lib in listed] == [
        (library_id, "Photos", [str(photos)])
    ]
    assert listed[0]["ownerId"] == fake.admin_id

    scanned = invoke("library", "scan", library_id, "--wait", "--json", *connect)
    assert scanned.exit_code == 0, scanned
    data = scanned.json()
    assert data["statistics"]["photos"] == 3
    assert data["library"]["refreshedAt"] is not None

    table = invoke("library", "list", *connect)
    assert library_id in table.stdout
    assert "Photos" in table.stdout
    # The asset count is the library's statistics' (a listed library says 0).
    row = next(line for line in table.stdout.splitlines() if line.startswith(library_id))
    assert row.split("\t")[4] == "3"
    listed = invoke("library", "list", "--json", *connect).json()["libraries"]
    assert listed[0]["statistics"]["total"] == 3


def test_library_scan_by_name_for_humans(invoke: Invoke, connect: list[str], photos: Path) -> None:
    _create_library(invoke, connect, photos)
    result = invoke("library", "scan", "Photos", "--wait", *connect)
    assert result.exit_code == 0, result
    assert "3 photos" in result.stdout


def test_library_scan_without_wait_only_queues(
    invoke: Invoke, connect: list[str], photos: Path
) -> None:
    library_id = _create_library(invoke, connect, photos)
    result = invoke("library", "scan", library_id, "--json", *connect)
    answer = result.json()
    assert answer["schema"] == "immich.library-scan"
    assert (answer["library"]["id"], answer["finished"]) == (library_id, False)


def test_library_scan_wait_stops_at_a_paused_queue(
    invoke: Invoke, connect: list[str], photos: Path
) -> None:
    library_id = _create_library(invoke, connect, photos)
    assert invoke("jobs", "pause", "library", *connect).exit_code == 0
    result = invoke("library", "scan", library_id, "--wait", *connect)
    assert result.exit_code == 1
    assert "paused" in result.stderr
    assert "immich jobs resume library" in result.stderr
    resumed = invoke("jobs", "resume", "library", "--wait", *connect)
    assert resumed.exit_code == 0, resumed
    stats = invoke("library", "scan", library_id, "--wait", "--json", *connect).json()
    assert stats["statistics"]["photos"] == 3


def test_library_scan_wait_times_out(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    library_id = _create_library(invoke, connect, photos)
    fake.job_delay = 60  # the scan's jobs wait in the queue for a minute
    result = invoke("library", "scan", library_id, "--wait", "--timeout", "0.05", *connect)
    assert result.exit_code == 1
    assert "timed out" in result.stderr
    assert "library: 2" in result.stderr  # what was pending: the scan's two jobs


def test_library_create_warns_about_paths_the_server_cannot_see(
    invoke: Invoke, connect: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    result = invoke(
        "library", "create", "--name", "X", "--import-path", str(missing), "--json", *connect
    )
    assert result.exit_code == 0, result
    assert str(missing) in result.json()["invalidImportPaths"]
    assert "warning" in result.stderr


def test_library_create_for_another_owner(
    invoke: Invoke, connect: list[str], photos: Path, fake: FakeImmich
) -> None:
    user_id, _ = fake.create_user(email="owner@example.com", name="Owner")
    result = invoke(
        "library",
        "create",
        "--name",
        "Theirs",
        "--import-path",
        str(photos),
        "--exclusion-pattern",
        "**/trip/**",
        "--owner-id",
        user_id,
        "--json",
        *connect,
    )
    library = result.json()["library"]
    assert library["ownerId"] == user_id
    assert library["exclusionPatterns"] == ["**/trip/**"]
    scanned = invoke("library", "scan", library["id"], "--wait", "--json", *connect).json()
    assert scanned["statistics"]["photos"] == 2


def test_library_scan_of_an_unknown_library(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("library", "scan", "Nope", *connect)
    assert result.exit_code == 1
    assert "no library" in result.stderr


# ---- jobs and queues ------------------------------------------------------------------------


def test_jobs_list(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("jobs", "list", *connect)
    assert result.exit_code == 0, result
    assert "thumbnailGeneration" in result.stdout
    assert "library" in result.stdout
    assert "backup-database" in result.stderr  # the one-off jobs, as a hint


def test_queues_list_json(invoke: Invoke, connect: list[str]) -> None:
    queues = invoke("queues", "list", "--json", *connect).json()["queues"]
    names = {queue["name"] for queue in queues}
    assert {"library", "thumbnailGeneration", "backupDatabase"} <= names
    assert all("statistics" in queue and "isPaused" in queue for queue in queues)


def test_jobs_start_a_queue_and_wait(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("jobs", "start", "thumbnail-generation", "--wait", "--json", *connect)
    assert result.exit_code == 0, result
    data = result.json()["queue"]
    assert data["name"] == "thumbnailGeneration"
    assert data["statistics"]["completed"] >= 1
    # The deprecated endpoint is used knowingly: no warning for the user.
    assert "deprecated" not in result.stderr


def test_jobs_start_a_one_off_job(
    invoke: Invoke, connect: list[str], fake: FakeImmich, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FakeImmich does not implement POST /jobs (createJob): answer it here, pass the rest on.
    sent: list[httpx.Request] = []
    inner = fake.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/api/jobs":
            sent.append(request)
            return httpx.Response(204)
        return inner.handle_request(request)

    def make_client(url: str, api_key: str | None) -> Client:
        return Client(url, api_key=api_key, transport=httpx.MockTransport(handle))

    monkeypatch.setattr("immich.cli._session.make_client", make_client)
    result = invoke("jobs", "start", "backup-database", "--wait", *connect)
    assert result.exit_code == 0, result
    assert "backup-database" in result.stdout
    assert [json.loads(r.content) for r in sent] == [{"name": "backup-database"}]


def test_jobs_start_an_unknown_name(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("jobs", "start", "nonsense", *connect)
    assert result.exit_code == 2
    assert "thumbnailGeneration" in result.stderr
    assert "backup-database" in result.stderr


def test_jobs_pause_and_resume(invoke: Invoke, connect: list[str]) -> None:
    paused = invoke("jobs", "pause", "smartSearch", "--json", *connect).json()["queue"]
    assert paused["isPaused"] is True
    shown = invoke("queues", "show", "smart_search", "--json", *connect).json()["queue"]
    assert shown["isPaused"] is True
    resumed = invoke("queues", "resume", "SMART_SEARCH", "--json", *connect).json()["queue"]
    assert resumed["isPaused"] is False


def test_queue_jobs_and_empty(invoke: Invoke, connect: list[str], photos: Path) -> None:
    library_id = _create_library(invoke, connect, photos)
    invoke("queues", "pause", "library", *connect)
    invoke("library", "scan", library_id, *connect)
    jobs = invoke("queues", "jobs", "library", "--json", *connect).json()["jobs"]
    assert [job["name"] for job in jobs] == [
        "LibrarySyncFilesQueueAll",
        "LibraryScanAssetsQueueAll",
    ]
    shown = invoke("queues", "show", "library", *connect).stdout
    held = json.loads(invoke("queues", "show", "library", "--json", *connect).stdout)["queue"]
    assert held["statistics"]["paused"] == 2
    # The table shows them too: a paused queue with jobs does not look empty.
    assert shown.splitlines()[-1].split("\t")[:5] == ["library", "yes", "0", "0", "2"]
    waiting = invoke("queues", "jobs", "library", "--status", "waiting", *connect)
    assert "LibrarySyncFiles" in waiting.stdout
    bad = invoke("queues", "jobs", "library", "--status", "sleeping", *connect)
    assert bad.exit_code == 2
    emptied = invoke("queues", "empty", "library", "--json", *connect).json()["queue"]
    assert emptied["statistics"]["waiting"] == 0


def test_unknown_queue(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("queues", "show", "nope", *connect)
    assert result.exit_code == 2
    assert "unknown queue" in result.stderr


def test_piped_tables_are_tab_separated_lines(invoke: Invoke, connect: list[str]) -> None:
    """Output read by a program is neither drawn with box characters nor cut to a
    width: one line per row, cells separated by tabs, a table's title as a # line."""
    result = invoke("server", "info", *connect)  # (the runner's stdout is not a terminal)
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    assert "Version\t3.0.3" in lines
    assert "# Usage by user" in lines
    header = lines[lines.index("# Usage by user") + 1]
    assert header.split("\t") == ["User", "Photos", "Videos", "Usage"]
    assert not any(ch in result.stdout for ch in "┏┃━│")


@pytest.mark.parametrize(
    ("group", "shows"),
    [("server", "Version\t3.0.3"), ("jobs", "Queue\tPaused"), ("queues", "Queue\tPaused")],
)
def test_a_group_alone_runs_its_obvious_command(
    invoke: Invoke, connect: list[str], group: str, shows: str
) -> None:
    result = invoke(group, *connect)
    assert result.exit_code == 0, result
    assert shows in result.stdout


def test_library_alone_lists_and_takes_the_global_options(
    invoke: Invoke, connect: list[str]
) -> None:
    result = invoke("library", "--json", *connect)
    assert result.exit_code == 0, result
    assert result.json()["libraries"] == []


@pytest.mark.parametrize("args", [["--help"], ["upload", "--help"], ["download", "--help"]])
def test_help_shows_no_type_placeholders(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result
    assert "<bool>" not in result.stdout
    assert "<list[" not in result.stdout
