"""``immich mirror`` as a user runs it (a subprocess), against the real server: a run
killed with SIGKILL half way, run again, loses nothing and downloads nothing twice; a
dry run writes nothing; an API key alone is refused with what to do."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from PIL import Image

from immich import Client
from tests.e2e.server import Account, Server, wait_until


def _b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def _environment(account: Account, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    return {
        **env,
        "IMMICH_PASSWORD": account.password,
        "IMMICH_CONFIG_DIR": str(home / "config"),  # no saved login of the machine's
        "XDG_CACHE_HOME": str(home / "cache"),
    }


def _command(server: Server, dest: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "immich.cli", "--url", server.url, "mirror", str(dest), *extra]


def _held(dest: Path) -> set[str]:
    """The checksums of the media files in the mirror (not sidecars, partial files or
    the state)."""
    return {
        _b64(path.read_bytes())
        for path in dest.rglob("*")
        if path.is_file()
        and path.suffix != ".json"
        and not path.name.startswith(".")
        and ".immich-mirror" not in path.parts
    }


def _library(client: Client) -> dict[str, str]:
    """Checksum -> asset id, for every asset of the user."""
    found = {}
    visibilities: list[Any] = ["timeline", "archive", "hidden"]
    if client.server_version() >= (3, 0, 0):
        from immich import UNSET

        visibilities = [UNSET]
    for visibility in visibilities:
        for asset in client.search.iter_assets(with_deleted=True, visibility=visibility):
            found[asset.checksum] = asset.id
    return found


def _upload_noise(client: Client, folder: Path, count: int, side: int) -> None:
    """``count`` JPEGs of noise, ``side`` pixels square (large for their size)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(count):
        data = hashlib.shake_256(f"mirror-cli-{seed}".encode()).digest(side * side * 3)
        path = folder / f"noise-{seed}.jpg"
        Image.frombytes("RGB", (side, side), data).save(path, quality=95)
        paths.append(path)
    result = client.upload(paths, hash_cache=False)
    assert result.ok, result
    ids = list(result.uploaded.values())

    def processed() -> bool:
        return all(client.assets.get_asset_info(i).thumbhash is not None for i in ids)

    wait_until(processed, what="the uploads' thumbnails", timeout=180)


def test_a_killed_process_loses_nothing_and_downloads_nothing_twice(
    server: Server, account: Account, tmp_path: Path
) -> None:
    with Client(server.url, api_key=account.api_key) as client:
        _upload_noise(client, tmp_path / "noise", 14, side=900)  # ~2 MB each
        library = _library(client)
    dest = tmp_path / "mirror"
    env = _environment(account, tmp_path)
    command = _command(server, dest, "--email", account.email, "-c", "1", "--no-progress")
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if len([p for p in dest.rglob("noise-*.jpg") if not p.name.startswith(".")]) >= 3:
                break
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=30)
    # What had landed whole when it died, by content.
    landed = {library[digest] for digest in _held(dest) if digest in library}

    again = subprocess.run(
        [*_command(server, dest), "--json"], env=env, capture_output=True, text=True, timeout=300
    )

    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["ok"]
    assert set(report["downloaded"]).isdisjoint(landed)  # nothing downloaded twice
    assert (
        landed | set(report["downloaded"]) | set(report["alreadyThere"])
        >= set(library.values()) - landed
        or report["events"] >= 1
    )
    held = {
        _b64(p.read_bytes())
        for p in dest.rglob("*")
        if p.is_file()
        and p.suffix != ".json"
        and ".immich-mirror" not in p.parts
        and not p.name.startswith(".")
    }
    assert set(library) <= held  # every asset's bytes are in the mirror
    assert not list(dest.rglob("*.part"))


def test_a_dry_run_writes_nothing_and_an_api_key_alone_is_refused(
    server: Server, account: Account, tmp_path: Path
) -> None:
    dest = tmp_path / "mirror"
    env = _environment(account, tmp_path)
    with Client(server.url, api_key=account.api_key) as client:
        library = _library(client)

    dry = subprocess.run(
        [*_command(server, dest, "--email", account.email), "--dry-run", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert dry.returncode == 0, dry.stderr
    assert set(json.loads(dry.stdout)["wouldDownload"]) == set(library.values())
    assert not dest.exists()
    refused = subprocess.run(
        _command(server, dest),
        env={**env, "IMMICH_API_KEY": account.api_key},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "--email" in refused.stderr
    assert account.api_key not in refused.stderr + refused.stdout
