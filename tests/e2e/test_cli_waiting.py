"""The ``immich`` command's organising and waiting on the real server, run as a user runs
it (a subprocess with ``IMMICH_URL``/``IMMICH_API_KEY``): ``upload --stack --tag
--tags-from-folders --date-from-name --wait`` and ``library scan --wait``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PIL import Image

from immich import Client
from tests.e2e.corpus import jpeg
from tests.e2e.server import Account, Server


def immich(server: Server, key: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    env.update(
        IMMICH_URL=server.url,
        IMMICH_API_KEY=key,
        IMMICH_CONFIG_DIR=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        COLUMNS="200",
    )
    return subprocess.run(
        [sys.executable, "-m", "immich.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done
    return json.loads(done.stdout)


def test_upload_organises_and_waits(server: Server, account: Account, tmp_path: Path) -> None:
    root = tmp_path / "Pictures"
    jpg = root / "Trips" / "Rome" / "IMG_0001.JPG"
    jpeg(jpg, seed=8900)
    raw = root / "Trips" / "Rome" / "IMG_0001.DNG"
    Image.new("RGB", (64, 48), (10, 20, 30)).save(raw, "TIFF")  # DNG is TIFF inside
    named = root / "IMG_20240501_102030.jpg"
    jpeg(named, seed=8901)
    args = ["upload", str(root), "--stack", "--tag", "E2E CLI", "--tags-from-folders"]
    args += ["--date-from-name", "--wait", "--wait-timeout", "120", "--no-hash-cache"]

    data = _json(immich(server, account.api_key, tmp_path, *args, "--json"))

    assert data["ok"] is True
    assert list(data["stacks"].values()) == [[str(jpg), str(raw)]]
    assert data["tags"][str(jpg)] == ["E2E CLI", "Trips/Rome"]
    assert data["dates"][str(named)]["source"] == "name"
    assert data["unprocessed"] == {}
    with Client(server.url, api_key=account.api_key) as client:
        info = client.assets.get_asset_info(data["uploaded"][str(named)])
        assert info.thumbhash
        assert info.local_date_time.isoformat() == "2024-05-01T10:20:30+00:00"
        assert {t.value for t in info.tags or []} == {"E2E CLI"}

    again = immich(server, account.api_key, tmp_path, *args)  # for humans; all there already
    assert again.returncode == 0, again
    assert "Stacks" in again.stdout
    assert "E2E CLI, Trips/Rome" in again.stdout
    assert account.api_key not in again.stdout + again.stderr


def test_library_scan_wait(server: Server, account: Account, tmp_path: Path) -> None:
    folder = tmp_path / "nas"
    for n in range(2):
        jpeg(folder / f"scan-{n}.jpg", seed=8950 + n)
    with server.admin() as admin:
        library = admin.libraries.create_library(
            owner_id=account.id, name="E2E CLI scan", import_paths=[str(folder)]
        )
    try:
        scanned = _json(
            immich(
                server, server.admin_key, tmp_path, "library", "scan", library.id, "--wait",
                "--timeout", "120", "--json",
            )
        )  # fmt: skip
        assert scanned["added"] == 2
        assert scanned["removed"] is None  # the module's user owns it, not the admin
        assert scanned["statistics"]["photos"] == 2
        human = immich(
            server, server.admin_key, tmp_path, "library", "scan", "E2E CLI scan", "--wait"
        )
        assert human.returncode == 0, human
        assert "Scanned 'E2E CLI scan': 0 added." in human.stdout
    finally:
        with server.admin() as admin:
            admin.libraries.delete_library(library.id)
