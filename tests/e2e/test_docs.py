"""The documentation's snippets and the examples, against the real server.

``tests/docs/test_snippets.py`` and ``tests/examples/`` run them against a seeded
FakeImmich; here each runs the same way (snippets in-process with ``runpy``, examples as
subprocesses, the notebook headless) against the real server, as a fresh admin user of
its own seeded like the fake (``tests/e2e/seed.py``: three dated photos in an album
"Trip", ``photo.jpg`` and ``Pictures/`` in the working folder). What they print is
checked against what the real server says, which differs from the fake in places
(user names, error statuses): each difference is spelled out below.

``IMMICH_URL`` is the server's address without ``/api``, as the docs write it (the
comparison snippets with raw HTTP libraries add ``/api`` themselves).
"""

from __future__ import annotations

import contextlib
import os
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import immich
from immich import Client
from tests.docs.seed import seed_files
from tests.docs.test_snippets import (
    COMPARE,
    COMPARE_LIBRARIES,
    SNIPPETS,
    _assert_in_order,
    _compare_snippets,
    _sdk_snippets,
)
from tests.e2e.seed import World, world
from tests.e2e.server import Server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: What each SDK snippet prints against the real server, in order. ``{name}``,
#: ``{email}`` and ``{url}`` are the run's user and the server's address, ``{version}``
#: its release (``3.0.3``), ``{major}`` and ``{version_tuple}`` the same in parts, ``{repr}``
#: the repr of its ``ServerVersionResponseDto``.
REAL_EXPECTED: dict[str, list[str | frozenset[str]]] = {
    "getting_started_sync.py": [
        "Immich {version}",
        "Signed in as {name} <{email}>",
        "Trip: 3 assets",
    ],
    "getting_started_async.py": ["{name} has 1 albums"],
    "getting_started_auth.py": [
        "API key: {email}",
        "Password login: {email}",
        "Access token: {email}",
        "Session cookie: {email}",
    ],
    "models_unset.py": ["rating: None", "['checksum', 'createdAt', 'duplicateId']", "{repr}"],
    # The real server answers 400 for an album that does not exist (or that the user may
    # not see), and its validation message is zod's.
    "errors_handling.py": [
        "not found: 400 Not found or no album.read access",
        "BadRequestError: 400 POST {url}/api/albums",
        "server says: Validation failed",
    ],
    "retries_timeouts.py": ["version {major}", "photos on the server: ", "{name}"],
    "streaming_downloads.py": ["thumbnail: ", "saved original-hike.jpg", "same content: True"],
    "pagination.py": [
        "2024-02-20 hike.jpg",
        "2024-02-03 dinner.jpg",
        "2024-01-15 beach.jpg",
        "first page: 2 next page: 2",
    ],
    # Other runs may pause a queue for a moment: the paused count is not checked.
    "server_versions.py": [
        "generated from the Immich API 3.0.3",
        "server {version_tuple}",
        "19 queues; ",
        "pong",
    ],
    "raw_responses.py": ["1 201 created application/json", "2 200 duplicate application/json"],
    "logging_setup.py": [],  # checked below
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
    ],
    "guide_waiting.py": [
        "garden.jpg: taken ",
        "sunset.jpg: taken ",
        "given up on: {{}}",
        "tag-cleanup ran in the backgroundTask queue;",
        "nothing pending",
    ],
    "guide_mirror.py": [
        "3 downloaded, 1 album, ok=True",
        "  2024/01/beach.jpg",
        "  2024/01/beach.jpg.json",
        "  2024/02/dinner.jpg",
        "  2024/02/hike.jpg.json",
        "  albums/Trip.json",
        "second run: ",  # 4 changes read on 3.x, 3 on 2.x (no album-asset ack type there)
        " changes read, 0 downloaded, 1 sidecar updated, 1 album written",
        "beach.jpg ['Best of', 'Trip']",
    ],
    "guide_sync_stream.py": [
        # In the order the server last changed them: its metadata jobs decide.
        frozenset({"asset beach.jpg False", "asset dinner.jpg False", "asset hike.jpg False"}),
        "album Trip",
        "complete",
        "['SyncCompleteV1']",
    ],
    "guide_upload_organise.py": [
        "garden.jpg: tagged Imported, 2024",
        "sunset.jpg: tagged Imported",
        " from file",
        "stacks: 0 not processed: 0 ok: True",
    ],
    "guide_tags_albums.py": [
        "2024-01: 1 assets, 'Photos of 2024-01'",
        "2024-02: 2 assets, 'Photos of 2024-02'",
        "tagged Years/2024: 3",
    ],
    # FakeImmich has no shared links; the real server does.
    "guide_shared_links.py": ["{url}/share/", " expires ", "ALBUM For the family "],
    "guide_admin.py": [
        "created alice@example.com must change password: True",
        "alice@example.com        admin=False",
        "server: ",
        "new key: backup script ['asset.read', 'asset.download']",
        "ApiKeyCreateResponseDto(api_key=ApiKeyResponseDto(",
        "name='backup script'",
        "secret='***')",
    ],
    "migration_server_version.py": ["{version}"],
    "migration_upload.py": ["created ", "2 uploaded, 0 duplicates"],
    "migration_albums.py": ["Trip (3 assets), updated ", "   hike.jpg", "   beach.jpg"],
    # 400, not the fake's 404: the snippet's second branch.
    "migration_errors.py": ["400 Not found or no asset.read access"],
    "migration_timeouts.py": ["1 albums"],
    "migration_async.py": ["{version} 1 albums"],
}

#: Where a 2.x server makes a snippet print something else than its release.
REAL_EXPECTED_2X: dict[str, list[str | frozenset[str]]] = {
    # 2.x's validation message is class-validator's sentence.
    "errors_handling.py": [
        "not found: 400 Not found or no album.read access",
        "BadRequestError: 400 POST {url}/api/albums",
        "server says: each value in assetIds must be a UUID",
    ],
    # 2.x has no integrityCheck queue.
    "server_versions.py": [
        "generated from the Immich API 3.0.3",
        "server {version_tuple}",
        "18 queues; ",
        "pong",
    ],
}

#: What each comparison snippet prints against the real server (an Immich 3: they are
#: written for it, see ``test_comparison_snippet_on_the_real_server``).
REAL_COMPARE_EXPECTED = {
    "server_version": ["3.0.3"],
    "upload": ["created "],
    "albums": ["Trip (3 assets)", "   hike.jpg", "   dinner.jpg", "   beach.jpg"],
    "errors": ["400 Not found or no asset.read access"],
    "timeouts": ["1 albums"],
}
#: immichpy prints the reason phrase instead of the message in its generic branch.
REAL_COMPARE_OVERRIDES = {"errors_immichpy.py": ["error status: 400 Bad Request"]}

#: Server-wide things snippets make with fixed names, removed after each run.
FIXED_EMAILS = ("alice@example.com",)


def _bare(url: str) -> str:
    return url.removesuffix("/").removesuffix("/api")


#: Snippets that change nothing another one would notice: they share one seeded user
#: (a fresh one for each of the others saves nothing but time).
READ_ONLY = {
    "getting_started_sync.py",
    "getting_started_async.py",
    "getting_started_auth.py",
    "errors_handling.py",
    "retries_timeouts.py",
    "streaming_downloads.py",
    "pagination.py",
    "server_versions.py",
    "logging_setup.py",
    "migration_server_version.py",
    "migration_albums.py",
    "migration_errors.py",
    "migration_timeouts.py",
    "migration_async.py",
    *(
        name
        for name in _compare_snippets()
        if name.startswith(("albums_", "errors_", "server_version_", "timeouts_"))
    ),
}


@pytest.fixture(scope="module")
def shared_world(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with world(server, "docs read-only", tmp_path_factory.mktemp("shared")) as made:
        yield made


@pytest.fixture
def docs_world(
    server: Server,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[World]:
    """A seeded admin user (a fresh one, or the shared one for a read-only snippet), the
    environment pointing at it, cwd a seeded folder of the test's own."""
    callspec = getattr(request.node, "callspec", None)
    name = callspec.params.get("name", request.node.name) if callspec else request.node.name
    with contextlib.ExitStack() as stack:
        if name in READ_ONLY:
            made = request.getfixturevalue("shared_world")
            seed_files(tmp_path)
        else:
            made = stack.enter_context(world(server, f"docs {name}", tmp_path))
        for variable in ("IMMICH_ACCESS_TOKEN", "IMMICH_INSTANCE_URL", "IMMICH_LOG"):
            monkeypatch.delenv(variable, raising=False)
        for variable, value in made.environment(server).items():
            monkeypatch.setenv(variable, value)
        monkeypatch.setenv("IMMICH_URL", _bare(server.url))
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        monkeypatch.chdir(tmp_path)
        try:
            yield made
        finally:
            _remove_fixed_names(server)


def _remove_fixed_names(server: Server) -> None:
    with server.admin() as admin:
        for user in admin.users_admin.search_users_admin(with_deleted=True):
            if user.email in FIXED_EMAILS:
                admin.users_admin.delete_user_admin(user.id, force=True)


def _expected(
    lines: list[str | frozenset[str]], made: World, server: Server
) -> list[str | frozenset[str]]:
    values = {
        "name": made.account.name,
        "email": made.account.email,
        "url": _bare(server.url),
        "version": _version(server),
        "major": server.version[0],
        "version_tuple": server.version,
        "repr": _version_repr(server),
    }
    return [
        frozenset(part.format(**values) for part in line)
        if isinstance(line, frozenset)
        else line.format(**values)
        for line in lines
    ]


def _version(server: Server) -> str:
    return ".".join(map(str, server.version))


def _version_repr(server: Server) -> str:
    """How the SDK prints the server's version: 2.x sends no ``prerelease`` (UNSET, left
    out of the repr), 3.x sends null."""
    major, minor, patch = server.version
    fields = f"major={major}, minor={minor}, patch={patch}"
    return f"ServerVersionResponseDto({fields}{'' if major < 3 else ', prerelease=None'})"


#: Snippets that stream Immich 3's sync types (2.x has only their V1 forms).
IMMICH_3_TYPES = {"guide_sync_stream.py"}


def test_every_snippet_has_a_real_expectation() -> None:
    assert set(REAL_EXPECTED) == set(_sdk_snippets())


@pytest.mark.parametrize("name", _sdk_snippets())
def test_sdk_snippet_on_the_real_server(
    name: str,
    docs_world: World,
    server: Server,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    if name in IMMICH_3_TYPES and server.version < (3, 0, 0):
        # Its stream types are Immich 3's: refused before anything is sent (the guide says).
        with pytest.raises(immich.UnsupportedByServerError, match=r"needs Immich server 3\.0"):
            runpy.run_path(str(SNIPPETS / name), run_name="__main__")
        return
    runpy.run_path(str(SNIPPETS / name), run_name="__main__")
    out = capsys.readouterr().out
    expected = REAL_EXPECTED[name]
    if server.version < (3, 0, 0):
        expected = REAL_EXPECTED_2X.get(name, expected)
    _assert_in_order(out, _expected(expected, docs_world, server))
    assert docs_world.account.api_key not in out
    assert docs_world.account.password not in out
    if name == "logging_setup.py":
        logged = [r.getMessage() for r in caplog.records if r.name == "immich"]
        ping = re.escape(f"GET {server.url.rstrip('/')}/server/ping -> 200")
        assert any(re.match(ping, m) for m in logged), logged
        assert all(docs_world.account.api_key not in m for m in logged)


# The comparisons are written for Immich 3 (docs/migration.md says so): a raw upload to
# 2.x would need its deviceAssetId and deviceId, immichpy 9 refuses 2.x's albums (no owner
# among their users). They run on the 3.x servers only.
@pytest.mark.immich3
@pytest.mark.parametrize("name", _compare_snippets())
@pytest.mark.filterwarnings("ignore::DeprecationWarning:immichpy")
def test_comparison_snippet_on_the_real_server(
    name: str, docs_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    topic, library = Path(name).stem.rsplit("_", 1)
    assert library in COMPARE_LIBRARIES
    runpy.run_path(str(COMPARE / name), run_name="__main__")
    expected = REAL_COMPARE_OVERRIDES.get(name, REAL_COMPARE_EXPECTED[topic])
    _assert_in_order(capsys.readouterr().out, expected)


# The examples: subprocesses, as a reader runs them.


@pytest.fixture
def example_world(
    server: Server, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[World]:
    with world(server, f"example {request.node.name}", tmp_path) as made:
        yield made


def run(made: World, server: Server, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    env.update(made.environment(server))
    env["IMMICH_URL"] = _bare(server.url)
    env["XDG_CACHE_HOME"] = str(made.folder / ".cache")
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        cwd=made.folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert made.account.api_key not in done.stdout + done.stderr
    return done


def test_every_example_runs_on_the_real_server() -> None:
    tested = set(re.findall(r'run\(\s*\w+,\s*\w+,\s*"(\w+\.py)"', Path(__file__).read_text()))
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts <= tested


def test_quickstart(example_world: World, server: Server) -> None:
    out = run(example_world, server, "quickstart.py").stdout
    assert f"Using the Immich server at {server.url}/" in out
    assert f"Server version: {_version(server)}" in out
    assert f"Signed in as: {example_world.account.name} <{example_world.account.email}>" in out
    assert "Albums: 1\n  - Trip (3 assets)" in out
    # The seeded photos were taken in 2024, uploaded today: none in the last 7 days.
    assert "Assets taken in the last 7 days: 0" in out


def test_upload_folder(example_world: World, server: Server) -> None:
    out = run(
        example_world, server, "upload_folder.py", "Pictures", "--ignore", "*.tmp", "--album", "Up"
    ).stdout
    assert f"Using the Immich server at {server.url}/" in out
    assert "2 uploaded, 0 already on the server, 0 unsupported, 0 failed" in out
    assert "Second run" not in out  # (the fake demo shows one; a real upload is done once)
    assert "album 'Up': " in out
    with Client(server.url, api_key=example_world.account.api_key) as client:
        (album,) = [a for a in client.albums.get_all_albums() if a.album_name == "Up"]
        assert album.asset_count == 2


def test_download_album(example_world: World, server: Server) -> None:
    out = run(
        example_world, server, "download_album.py", "Trip", "backup", "--layout", "{album}/{yyyy}"
    ).stdout
    assert "3 downloaded" in out
    assert "    Trip/2024/beach.jpg" in out
    folder = example_world.folder / "backup" / "Trip" / "2024"
    assert sorted(p.name for p in folder.iterdir()) == ["beach.jpg", "dinner.jpg", "hike.jpg"]
    seeded = example_world.folder / ".seed"
    for path in folder.iterdir():
        assert path.read_bytes() == (seeded / path.name).read_bytes()


def test_sync_external_library(example_world: World, server: Server) -> None:
    folder = example_world.folder / "Pictures"
    out = run(
        example_world, server, "sync_external_library.py", str(folder), "--name", "NAS"
    ).stdout
    assert "Created library 'NAS'" in out
    assert f"Import path {folder}: ok" in out
    # Pictures/ holds two photos and a .tmp file the server does not take.
    assert "NAS: 2 photos, 0 videos" in out
    assert "(+2 assets, 0 removed, 0 unchanged)" in out
    again = run(example_world, server, "sync_external_library.py", str(folder), "--name", "NAS")
    assert "Library 'NAS' exists" in again.stdout
    assert "(+0 assets, 0 removed, 2 unchanged)" in again.stdout


def test_organise_upload(example_world: World, server: Server) -> None:
    out = run(example_world, server, "organise_upload.py", "Pictures", "--tag", "Example").stdout
    assert "2 uploaded, 0 already on the server" in out
    assert "  2024/garden.jpg: tagged Example, 2024" in out
    assert "  sunset.jpg: tagged Example" in out
    assert "dates from: file 2" in out
    assert "PROBLEM" not in out


def test_run_job_and_wait(example_world: World, server: Server) -> None:
    out = run(example_world, server, "run_job_and_wait.py", "--list").stdout
    assert re.search(r"^library\s+(running|paused)\s+active=\d+ waiting=\d+$", out, re.M), out
    assert re.search(r"^thumbnailGeneration\s", out, re.M)


def test_search_by_date_and_person(example_world: World, server: Server) -> None:
    out = run(example_world, server, "search_by_date_and_person.py", "--after", "2024-02-01").stdout
    assert "2 assets taken from 2024-02-01" in out
    assert "hike.jpg" in out
    assert "beach.jpg" not in out


# The notebook, headless.


def test_notebook_on_the_real_server(
    server: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import nbclient
    import nbformat

    from tests.examples.test_notebook import NOTEBOOK, _outputs

    with world(server, "notebook", tmp_path) as made:
        for variable, value in made.environment(server).items():
            monkeypatch.setenv(variable, value)
        monkeypatch.setenv("IMMICH_URL", _bare(server.url))
        monkeypatch.delenv("IMMICH_ACCESS_TOKEN", raising=False)
        monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        nbclient.NotebookClient(
            notebook,
            timeout=60,
            kernel_name="python3",
            resources={"metadata": {"path": str(tmp_path)}},
        ).execute()
    outputs = _outputs(notebook)
    everything = "\n".join(outputs.values())
    assert f"Using the Immich server at {_bare(server.url)}" in outputs["connect"]
    assert "auth='api_key'" in outputs["connect"]
    assert f"Immich {_version(server)}, signed in as {made.account.name}" in outputs["version"]
    assert "3 assets" in outputs["assets"]
    assert "('hike.jpg', datetime.date(2024, 2, 20), 'IMAGE')" in outputs["assets-table"]
    assert "1 albums" in outputs["async"]
    assert "AssetStatsResponseDto(images=3, total=3, videos=0)" in outputs["async"]
    assert "UNSET" not in everything
    assert made.account.api_key not in everything
    cells = {cell["id"]: cell for cell in notebook.cells}
    # The real server's thumbnails are WebP (the fake's are JPEG).
    assert any("image/webp" in o.get("data", {}) for o in cells["thumbnail"].outputs)
    assert any("image/png" in o.get("data", {}) for o in cells["plot"].outputs)


# The README's code blocks (and the docs home page's, the same quick start).

#: Blocks that are not for a real server: the FakeImmich test of "Testing your code".
README_NOT_FOR_A_SERVER = ("pytest_plugins",)
#: What each README block run on the real server holds (the tests find them by it).
README_ON_THE_SERVER = (
    'base_url="http://localhost:2283"',
    "async with AsyncClient() as client",
    "converter.structure(json_dict",
    "immich.BadRequestError",
    "download_asset_to_file(asset_id",
    "search.iter_assets(taken_after",
    'client.upload("Pictures/2024"',
    "client.with_response(",
    "tags_from_folders=True",
    "client.wait.for_assets",
    "client.mirror(",
)


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)


def _quick_start(block: str, server: Server) -> str:
    """A quick start pointed at the server with the reader's key (``__key``)."""
    assert 'base_url="http://localhost:2283"' in block
    assert 'api_key="..."' in block
    return block.replace("http://localhost:2283", _bare(server.url)).replace(
        'api_key="..."', "api_key=__key"
    )


def test_readme_blocks_on_the_real_server(
    docs_world: World, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt
    from datetime import datetime, timezone

    import httpx

    def run(marker: str, names: dict[str, object]) -> None:
        exec(compile(_readme_block(marker), "README.md", "exec"), names)

    made = docs_world
    key = made.account.api_key
    beach = made.assets["beach.jpg"]
    with Client() as client:
        # The quick start, whose api_key="..." is the reader's key.
        quick_start = _quick_start(_readme_block(README_ON_THE_SERVER[0]), server)
        exec(compile(quick_start, "README.md", "exec"), {"__key": key})
        out = capsys.readouterr().out
        assert _version_repr(server) in out
        assert "Trip 3" in out
        trips = [a.album_name for a in client.albums.get_all_albums() if a.album_name == "Trip"]
        assert trips == ["Trip", "Trip"]

        # The async client, from the environment.
        run(README_ON_THE_SERVER[1], {})
        assert capsys.readouterr().out == f"{made.account.name} 2\n"

        # Models from wire JSON and back.
        wire = httpx.get(f"{server.url}/assets/{beach}", headers={"x-api-key": key}).json()
        names: dict[str, object] = {"json_dict": wire}
        run(README_ON_THE_SERVER[2], names)
        assert names["asset"].id == beach  # type: ignore[attr-defined]
        assert names["wire"]["originalFileName"] == "beach.jpg"  # type: ignore[index]

        # A validation error, field by field.
        run(README_ON_THE_SERVER[3], {"client": client, "immich": immich})
        albums = f"(POST {server.url.rstrip('/')}/albums)"
        if server.version < (3, 0, 0):
            # 2.x's validation message is class-validator's sentence, naming no path.
            assert (
                capsys.readouterr().out == f"400 each value in assetIds must be a UUID {albums}\n"
            )
        else:
            assert capsys.readouterr().out == (
                f"400 Validation failed: assetIds[0]: Invalid UUID {albums}\n"
            )

        # Downloads, to a file and streamed.
        run(README_ON_THE_SERVER[4], {"client": client, "asset_id": beach})
        assert Path("photo.jpg").read_bytes() == (made.folder / ".seed" / "beach.jpg").read_bytes()

        # The auto-paging iterator.
        run(
            README_ON_THE_SERVER[5],
            {"client": client, "datetime": datetime, "timezone": timezone},
        )
        assert capsys.readouterr().out.split() == ["hike.jpg", "dinner.jpg", "beach.jpg"]

        # Bulk upload and download.
        names = {"client": client}
        run(README_ON_THE_SERVER[6], names)
        assert capsys.readouterr().out == "1 new, 0 already there {}\n"
        got = names["got"]
        assert sorted(p.name for p in got.downloaded.values()) == [  # type: ignore[attr-defined]
            "beach.jpg",
            "dinner.jpg",
            "hike.jpg",
        ]
        assert [p.name for p in names["zips"]] == ["Trip.zip"]  # type: ignore[attr-defined]

        # Raw responses: photo.jpg (the download above) is already there.
        taken = dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.timezone.utc)
        names = {"client": client, "taken": taken}
        run(README_ON_THE_SERVER[7], names)
        r = names["r"]
        assert r.status_code == 200  # type: ignore[attr-defined]
        assert r.parsed.status.value == "duplicate"  # type: ignore[attr-defined]
        assert r.parsed.id == beach  # type: ignore[attr-defined]


def test_every_readme_block_is_run_on_the_real_server() -> None:
    """Each block holds one of the markers the tests here find it by (or is the fake's)."""
    markers = README_ON_THE_SERVER + README_NOT_FOR_A_SERVER
    blocks = _python_blocks(ROOT / "README.md")
    unrun = [b for b in blocks if sum(marker in b for marker in markers) != 1]
    assert not unrun, "a README block no test here runs (or two markers in one): add it"


def _readme_block(marker: str) -> str:
    (block,) = [b for b in _python_blocks(ROOT / "README.md") if marker in b]
    return block


def test_readme_organise_and_wait_blocks_on_the_real_server(
    docs_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's blocks of an upload that organises and of ``client.wait``, found by
    what they hold (whatever their place among the README's blocks)."""
    made = docs_world
    with Client() as client:
        names: dict[str, object] = {"client": client}
        exec(compile(_readme_block("tags_from_folders=True"), "README.md", "exec"), names)
        organised = names["result"]
        assert organised.ok  # type: ignore[attr-defined]
        tags = {p.name: t for p, t in organised.tags.items()}  # type: ignore[attr-defined]
        assert tags == {"sunset.jpg": ("Imported",), "garden.jpg": ("Imported", "2024")}
        printed = capsys.readouterr().out
        for path in organised.uploaded:  # type: ignore[attr-defined]
            assert f"{path.name} " in printed

        library = client.libraries.create_library(
            owner_id=made.account.id, name="README", import_paths=[str(made.folder / "Pictures")]
        )
        try:
            names = {
                "client": client,
                "asset_ids": list(made.assets.values()),
                "library_id": library.id,
            }
            exec(compile(_readme_block("client.wait.for_assets"), "README.md", "exec"), names)
            assert names["done"].ok  # type: ignore[attr-defined]
            assert names["scan"].added == 2  # type: ignore[attr-defined]
            assert names["run"].name == "tag-cleanup"  # type: ignore[attr-defined]
        finally:
            client.libraries.delete_library(library.id)


def test_readme_mirror_block_on_the_real_server(docs_world: World, tmp_path: Path) -> None:
    """The README's mirror block, into a folder of the test's, as the world's user."""
    account = docs_world.account
    block = _readme_block("client.mirror(")
    block = block.replace('"/mnt/backup/photos"', repr(str(tmp_path / "backup")))
    block = block.replace('"me@example.com"', repr(account.email))
    block = block.replace('password="..."', f"password={account.password!r}")
    with Client() as client:
        names: dict[str, object] = {"client": client}
        exec(compile(block, "README.md", "exec"), names)
    later = names["result"]  # the second run's
    assert later.ok  # type: ignore[attr-defined]
    assert later.downloaded == {}  # type: ignore[attr-defined]
    held = sorted(p.name for p in (tmp_path / "backup").rglob("*.jpg"))
    assert held == ["beach.jpg", "dinner.jpg", "hike.jpg"]


def test_docs_home_quick_start_on_the_real_server(
    docs_world: World, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    (block,) = _python_blocks(ROOT / "docs" / "index.md")
    code = _quick_start(block, server)
    exec(compile(code, "docs/index.md", "exec"), {"__key": docs_world.account.api_key})
    out = capsys.readouterr().out
    assert _version_repr(server) in out
    assert "Trip 3" in out
    with Client() as client:
        (album,) = [a for a in client.albums.get_all_albums() if a.album_name == "2024"]
        assert album.asset_count == 1  # Pictures/2024: garden.jpg (draft.tmp is no photo)
