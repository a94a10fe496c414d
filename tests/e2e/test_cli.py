"""The ``immich`` command against the real server, run as a user runs it: a subprocess
(``python -m immich.cli``) with ``IMMICH_URL``/``IMMICH_API_KEY`` in its environment,
as the module's fresh user (or the admin, for the admin commands). Outputs are read with
``--json``; no run may print the API key anywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from immich import Client
from tests.e2e.corpus import jpeg
from tests.e2e.server import Account, Server

SERVER_VERSION = "3.0.3"


@dataclass
class Run:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The command's one JSON document (the CLI's convention checked)."""
        assert self.code == 0, self
        return _document(json.loads(self.stdout))

    def lines(self) -> list[Any]:
        assert self.code == 0, self
        return [_document(json.loads(line)) for line in self.stdout.splitlines() if line.strip()]

    def result(self) -> Any:
        """What an ``immich api`` call answered, as the server sent it."""
        document = self.json()
        assert document["schema"] == "immich.api", document
        return document["result"]

    def error(self) -> Any:
        """The failure document a command prints on stderr with --json."""
        assert self.code != 0, self
        document = _document(json.loads(self.stderr))
        assert document["schema"] == "immich.error", document
        return document["error"]


def _document(document: Any) -> Any:
    assert isinstance(document, dict), document
    assert document["schema"].startswith("immich."), document
    assert document["schemaVersion"] == 1, document
    return document


class Cli:
    def __init__(self, server: Server, account: Account, home: Path) -> None:
        self.server = server
        self.account = account
        self.home = home
        base = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
        base["IMMICH_CONFIG_DIR"] = str(home / "config")  # no saved login of the machine's
        base["XDG_CACHE_HOME"] = str(home / "cache")  # the upload hash cache
        base["COLUMNS"] = "200"
        self.base = base

    def __call__(self, *args: str, admin: bool = False, env: dict[str, str] | None = None) -> Run:
        environment = {
            **self.base,
            "IMMICH_URL": self.server.url,
            "IMMICH_API_KEY": self.server.admin_key if admin else self.account.api_key,
            **(env or {}),
        }
        environment = {k: v for k, v in environment.items() if v is not None}
        done = subprocess.run(
            [sys.executable, "-m", "immich.cli", *args],
            cwd=self.home,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        run = Run(args, done.returncode, done.stdout, done.stderr)
        for secret in (self.account.api_key, self.server.admin_key, self.account.password):
            assert secret not in run.stdout, run
            assert secret not in run.stderr, run
        return run


@pytest.fixture(scope="module")
def cli(server: Server, account: Account, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return Cli(server, account, tmp_path_factory.mktemp("cli"))


@pytest.fixture
def as_user(server: Server, account: Account) -> Iterator[Client]:
    """The SDK as the module's user, to check what the commands did."""
    with Client(server.url, api_key=account.api_key) as client:
        yield client


def test_version_server_info_and_whoami(cli: Cli, server: Server, account: Account) -> None:
    version = cli("--version")
    assert version.code == 0
    assert f"(Immich API {SERVER_VERSION})" in version.stdout

    info = cli("--json", "server", "info").json()
    assert info["server"] == server.url
    assert info["version"] == ".".join(map(str, server.version))
    assert info["about"]["version"] == "v" + info["version"]
    assert info["features"]["passwordLogin"] is True
    assert info["storage"]["diskSizeRaw"] > 0
    assert info["statistics"] is None  # for admins only: noted on stderr, not an error
    admin_info = cli("--json", "server", "info", admin=True).json()
    assert admin_info["statistics"]["photos"] >= 0

    raw = cli("--json", "api", "server", "get_server_version").result()
    assert (raw["major"], raw["minor"], raw["patch"]) == server.version

    me = cli("--json", "whoami").json()
    assert me["user"]["email"] == account.email
    assert me["user"]["id"] == account.id
    assert me["urlSource"] == "IMMICH_URL"
    assert me["apiKeySource"] == "IMMICH_API_KEY"


def test_upload_twice_then_download(cli: Cli, as_user: Client, tmp_path: Path) -> None:
    folder = tmp_path / "camera"
    names = ["a.jpg", "b.jpg", "sub/c.jpg"]
    for n, name in enumerate(names):
        jpeg(folder / name, seed=4200 + n)
    (folder / "notes.txt").write_text("not a photo\n", encoding="utf-8")

    first = cli("--json", "upload", str(folder), "--album", "E2E CLI album").lines()
    assert len(first) == 1
    result = first[0]
    assert result["ok"] is True
    assert sorted(Path(p).relative_to(folder).as_posix() for p in result["uploaded"]) == names
    assert result["duplicates"] == {}
    assert result["unsupported"] == [str(folder / "notes.txt")]
    album_id = result["albums"]["E2E CLI album"]
    uploaded = {Path(p).relative_to(folder).as_posix(): i for p, i in result["uploaded"].items()}
    album = as_user.albums.get_album_info(album_id)
    assert (album.album_name, album.asset_count) == ("E2E CLI album", 3)

    # The second run finds everything on the server and uploads nothing.
    second = cli("--json", "upload", str(folder), "--album", "E2E CLI album").lines()[0]
    assert second["uploaded"] == {}
    assert second["bytesUploaded"] == 0
    assert {Path(p).relative_to(folder).as_posix(): i for p, i in second["duplicates"].items()} == (
        uploaded
    )
    assert second["albums"] == {"E2E CLI album": album_id}

    # Download the album: the originals, byte for byte; again: nothing new.
    dest = tmp_path / "backup"
    got = cli("--json", "download", str(dest), "--album", "E2E CLI album").json()
    assert got["ok"] is True
    assert set(got["downloaded"]) == set(uploaded.values())
    for name, asset_id in uploaded.items():
        written = Path(got["downloaded"][asset_id])
        assert written.parent == dest
        assert written.read_bytes() == (folder / name).read_bytes()
    again = cli("--json", "download", str(dest), "--album", "E2E CLI album").json()
    assert again["downloaded"] == {}
    assert set(again["skipped"]) == set(uploaded.values())

    # As a zip archive that the server builds.
    zipped = cli(
        "--json", "download", str(tmp_path / "zips"), "--album", "E2E CLI album", "--archive"
    ).json()
    (archive,) = zipped["archives"]
    with zipfile.ZipFile(archive["path"]) as opened:
        contents = {Path(n).name: opened.read(n) for n in opened.namelist()}
    assert contents == {Path(n).name: (folder / n).read_bytes() for n in names}

    # By id, into folders by date.
    one = uploaded["a.jpg"]
    by_id = cli(
        "--json", "download", str(tmp_path / "one"), "--asset-id", one, "--layout", "{yyyy}"
    ).json()
    path = Path(by_id["downloaded"][one])
    assert path.parent.parent == tmp_path / "one"
    assert path.parent.name.isdigit()


def test_api_generic_calls(cli: Cli, as_user: Client, tmp_path: Path) -> None:
    folder = tmp_path / "api"
    jpeg(folder / "x.jpg", seed=4300)
    jpeg(folder / "y.jpg", seed=4301)
    uploaded = cli("--json", "upload", str(folder)).lines()[0]["uploaded"]
    x, y = (uploaded[str(folder / n)] for n in ("x.jpg", "y.jpg"))

    made = cli(
        "--json",
        "api",
        "albums",
        "create_album",
        "--album-name",
        "E2E api",
        "--asset-ids",
        f"{x},{y}",
    ).result()
    assert made["albumName"] == "E2E api"
    assert made["assetCount"] == 2
    try:
        listed = cli("--json", "api", "albums", "get_all_albums").result()
        assert made["id"] in {a["id"] for a in listed}
        # The operationId and dashes work too; a path parameter as an option.
        info = cli("--json", "api", "albums", "getAlbumInfo", "--id", made["id"]).result()
        assert info["assetCount"] == 2
        # A file-returning method streams to --output.
        thumb = tmp_path / "thumb.webp"
        saved = cli("--json", "api", "assets", "view-asset", x, "--output", str(thumb))
        assert saved.code == 0, saved
        data = thumb.read_bytes()
        assert data[:4] == b"RIFF" or data[:3] == b"\xff\xd8\xff"
        # Body fields are options: a flag and a number.
        updated = cli(
            "--json", "api", "assets", "update_asset", x, "--is-favorite", "--rating", "4"
        ).result()
        assert updated["isFavorite"] is True
        assert as_user.assets.get_asset_info(x).is_favorite is True
        search = cli("--json", "api", "search", "search_assets", "--is-favorite").result()
        assert [a["id"] for a in search["assets"]["items"]] == [x]
    finally:
        deleted = cli("--json", "api", "albums", "delete_album", made["id"])
    assert deleted.code == 0, deleted
    assert made["id"] not in {a.id for a in as_user.albums.get_all_albums()}


def test_library_commands(cli: Cli, account: Account, as_user: Client, tmp_path: Path) -> None:
    folder = tmp_path / "nas"
    for n in range(2):
        jpeg(folder / f"nas-{n}.jpg", seed=4400 + n)
    created = cli(
        "--json",
        "library",
        "create",
        "--name",
        "E2E CLI library",
        "--import-path",
        str(folder),
        "--owner-id",
        account.id,
        admin=True,
    ).json()
    library = created["library"]
    try:
        assert created["invalidImportPaths"] == {}
        assert library["ownerId"] == account.id
        assert library["importPaths"] == [str(folder)]
        listed = cli("--json", "library", "list", admin=True).json()["libraries"]
        assert library["id"] in {lib["id"] for lib in listed}

        scanned = cli(
            "--json", "library", "scan", library["id"], "--wait", "--timeout", "120", admin=True
        ).json()
        assert scanned["library"]["refreshedAt"] is not None
        assert (scanned["statistics"]["photos"], scanned["statistics"]["total"]) == (2, 2)
        found = as_user.search.search_assets(library_id=library["id"])
        assert sorted(a.original_file_name for a in found.assets.items) == [
            "nas-0.jpg",
            "nas-1.jpg",
        ]

        # The owner is not an admin: the library commands say what is missing.
        refused = cli("--json", "library", "list")
        assert refused.code == 1
        assert refused.stdout == ""
        assert "'library.read'" in refused.stderr
        error = refused.error()  # with --json, the failure is a document on stderr
        assert (error["type"], error["status"], error["exitCode"]) == (
            "PermissionDeniedError",
            403,
            1,
        )
    finally:
        removed = cli("--json", "api", "libraries", "delete_library", library["id"], admin=True)
    assert removed.code == 0, removed


def test_jobs_and_queues(cli: Cli, server: Server) -> None:
    listed = cli("--json", "jobs", "list", admin=True).json()["queues"]
    names = {q["name"] for q in listed}
    assert {"thumbnailGeneration", "library", "smartSearch"} <= names
    try:
        paused = cli("--json", "jobs", "pause", "smart-search", admin=True).json()["queue"]
        assert (paused["name"], paused["isPaused"]) == ("smartSearch", True)
        shown = cli("--json", "queues", "show", "SMART_SEARCH", admin=True).json()["queue"]
        assert shown["isPaused"] is True
        resumed = cli(
            "--json", "jobs", "resume", "smartSearch", "--wait", "--timeout", "60", admin=True
        ).json()["queue"]
        assert resumed["isPaused"] is False
    finally:
        with server.admin() as admin:
            admin.queues.update_queue("smartSearch", is_paused=False)
    started = cli(
        "--json", "jobs", "start", "person-cleanup", "--wait", "--timeout", "60", admin=True
    ).json()["queue"]
    assert started["name"] == "backgroundTask"
    assert started["statistics"]["active"] == 0

    refused = cli("--json", "jobs", "list")
    assert refused.code == 1
    assert "'queue.read'" in refused.stderr


def test_exit_codes_and_messages(cli: Cli, server: Server) -> None:
    bad_key = "e2e-bad-key-" + uuid.uuid4().hex
    rejected = cli("--json", "whoami", env={"IMMICH_API_KEY": bad_key})
    assert rejected.code == 1
    assert rejected.stdout == ""
    assert "was rejected" in rejected.stderr
    assert "Invalid API key" in rejected.stderr
    assert bad_key not in rejected.stderr

    no_url = cli("--json", "whoami", env={"IMMICH_URL": ""})
    assert no_url.code == 2
    assert "IMMICH_URL" in no_url.stderr

    unknown = str(uuid.uuid4())
    missing = cli("--json", "api", "albums", "get_album_info", unknown)
    assert missing.code == 1
    assert missing.stdout == ""
    assert "Not found or no album.read access" in missing.stderr

    invalid = cli(
        "--json", "api", "albums", "create_album", "--album-name", "X", "--asset-ids", "nope"
    )
    assert invalid.code == 1
    assert "400" in invalid.stderr

    no_method = cli("--json", "api", "albums", "no_such_method")
    assert no_method.code == 2
    assert "no method 'no_such_method'" in no_method.stderr

    bad_option = cli("--json", "upload", "--no-such-option", ".")
    assert bad_option.code == 2

    refused_port = cli("--json", "whoami", env={"IMMICH_URL": "http://127.0.0.1:9"})
    assert refused_port.code == 1
    assert "127.0.0.1:9" in refused_port.stderr
