"""A real Immich server for ``bench.py --real``: credentials, fresh users, idle queues.

The server is shared: nothing here changes its settings. Every run works as users it
creates through the admin API (``POST /admin/users``, a login, an API key with every
permission) and deletes afterwards with their assets (``DELETE /admin/users/{id}``,
``force``), so that no run dedupes against another's uploads. Between variants,
:meth:`Admin.wait_idle` waits until the server's job queues have nothing active or
waiting, so that one tool's thumbnail and metadata jobs do not slow the next tool; that
wait is printed, never counted.

The harness talks to the server with plain httpx, not with the SDK under test.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import workflows
from workflows import Account


@dataclass(frozen=True)
class User:
    id: str
    email: str
    api_key: str
    password: str = ""


def read_credentials(path: Path | None) -> tuple[str, str]:
    """The server's root URL (without ``/api``) and the admin's API key: from ``path``
    (``KEY=VALUE`` lines, as ``/srv/immich-server/credentials.env``) when given, else
    from ``IMMICH_URL`` and ``IMMICH_API_KEY``."""
    values = dict(os.environ)
    if path is not None:
        for line in path.read_text().splitlines():
            name, sep, value = line.strip().partition("=")
            if sep and not name.startswith("#"):
                values[name.strip()] = value.strip().strip("'\"")
    try:
        url, key = values["IMMICH_URL"], values["IMMICH_API_KEY"]
    except KeyError as missing:
        problem = f"--real needs {missing.args[0]} (in the environment or --credentials)"
        raise SystemExit(problem) from None
    url = url.rstrip("/")
    return url.removesuffix("/api"), key


class Admin:
    """The admin's side of a run: users, queues, and what a user holds."""

    def __init__(self, url: str, api_key: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=f"{url}/api", headers={"x-api-key": api_key}, timeout=300)
        version = self.http.get("/server/version").raise_for_status().json()
        self.version = f"{version['major']}.{version['minor']}.{version['patch']}"
        self.waited = 0.0  # seconds in wait_idle, all told

    def close(self) -> None:
        self.http.close()

    @contextmanager
    def fresh_user(self, label: str) -> Iterator[User]:
        """A new user with an API key of every permission; deleted with its assets after."""
        email = f"bench-{label}-{uuid.uuid4().hex[:10]}@example.com"
        password = secrets.token_urlsafe(18)
        made = self.http.post(
            "/admin/users", json={"email": email, "password": password, "name": f"bench {label}"}
        )
        user_id = made.raise_for_status().json()["id"]
        try:
            # Not on the admin's client: the login sets a cookie that would stick to it.
            with httpx.Client(base_url=f"{self.url}/api", timeout=60) as http:
                login = http.post("/auth/login", json={"email": email, "password": password})
                token = login.raise_for_status().json()["accessToken"]
                key = http.post(
                    "/api-keys",
                    json={"name": "bench", "permissions": ["all"]},
                    headers={"authorization": f"Bearer {token}"},
                )
                secret = key.raise_for_status().json()["secret"]
            yield User(user_id, email, secret, password)
        finally:
            self.http.request(
                "DELETE", f"/admin/users/{user_id}", json={"force": True}
            ).raise_for_status()

    def busy_jobs(self) -> int:
        """Jobs active or waiting in the queues that are not paused."""
        return sum(
            queue["statistics"]["active"] + queue["statistics"]["waiting"]
            for queue in self.http.get("/queues").raise_for_status().json()
            if not queue["isPaused"]
        )

    def wait_idle(self, what: str, patience: float = 300) -> float:
        """Wait until no queue has a job active or waiting, twice in a row half a second
        apart (a finished job may queue the next one: thumbnails after metadata), or
        ``patience`` seconds at most (other users' work may go on); prints and returns
        how long that took."""
        start = time.monotonic()
        quiet = 0
        while quiet < 2:
            if time.monotonic() - start > patience:
                print(f"    {what}: queues still busy after {patience:.0f} s", file=sys.stderr)
                break
            quiet = quiet + 1 if self.busy_jobs() == 0 else 0
            time.sleep(0.5)
        waited = time.monotonic() - start
        self.waited += waited
        print(
            f"    {what}: {waited:.1f} s for the queues to go idle (not counted)", file=sys.stderr
        )
        return waited

    def checksums(self, user: User) -> list[str]:
        """The base64 SHA-1 of every asset the user holds (not trashed), sorted."""
        sums, page = [], 1
        with user_http(self.url, user.api_key) as http:
            while page:
                found = http.post("/search/metadata", json={"size": 1000, "page": page})
                assets = found.raise_for_status().json()["assets"]
                sums += [asset["checksum"] for asset in assets["items"]]
                page = int(assets["nextPage"]) if assets.get("nextPage") else 0
        return sorted(sums)


class RealServers:
    """``workflows.Servers`` on a real server: every account a fresh user."""

    def __init__(self, admin: Admin) -> None:
        self.admin = admin
        self.where = f"Immich {admin.version} (real)"

    @contextmanager
    def account(self, label: str) -> Iterator[Account]:
        with self.admin.fresh_user(label) as user:
            yield Account(self.admin.url, user.api_key, lambda: self.admin.checksums(user))

    def settle(self, what: str) -> None:
        self.admin.wait_idle(what)


def user_http(url: str, api_key: str) -> httpx.Client:
    return httpx.Client(base_url=f"{url}/api", headers={"x-api-key": api_key}, timeout=300)


def upload(http: httpx.Client, path: Path) -> str:
    """Upload one file with plain httpx (streamed from disk); its asset id."""
    stamp = "2024-05-01T10:00:00.000Z"
    with path.open("rb") as f:
        answer = http.post(
            "/assets",
            files={"assetData": (path.name, f, "application/octet-stream")},
            data={"fileCreatedAt": stamp, "fileModifiedAt": stamp},
        )
    return str(answer.raise_for_status().json()["id"])


def seed_album(http: httpx.Client, files: list[Path]) -> tuple[list[str], dict[str, str]]:
    """Upload ``files`` (four at a time) into a new album "Bench"; their asset ids, and
    the hex SHA-1 of each by file name."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda path: upload(http, path), files))
    http.post("/albums", json={"albumName": "Bench", "assetIds": ids}).raise_for_status()
    return ids, {path.name: hashlib.sha1(path.read_bytes()).hexdigest() for path in files}


def make_video(path: Path, size: int) -> str:
    """A valid MP4 of exactly ``size`` bytes, the hex SHA-1 of which it returns: one
    second of ffmpeg's test pattern, then a ``free`` box of random bytes (MP4 readers
    skip it) for the rest. The server takes it as a video and processes it quickly."""
    pattern = "testsrc=duration=1:size=320x240:rate=10"
    encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", pattern, *encode, str(path)],
        check=True,
    )
    box = size - path.stat().st_size
    assert 8 < box < 1 << 32, size  # a box's 32-bit size
    digest = hashlib.sha1(path.read_bytes())
    with path.open("ab") as out:
        left = box - 8
        block = box.to_bytes(4, "big") + b"free"
        while block:
            out.write(block)
            digest.update(block)
            block = os.urandom(min(left, 1 << 20))
            left -= len(block)
    assert path.stat().st_size == size
    return digest.hexdigest()


def mirror_library(
    admin: Admin, user: User, folder: Path, workdir: Path
) -> workflows.MirrorScenario:
    """The mirror scenario on the real server: ``user``'s library, the small JPEGs of
    ``folder`` uploaded to start with; new ones made and uploaded on demand."""
    http = user_http(admin.url, user.api_key)
    files = sorted(folder.rglob("*.jpg"))
    _, sums = seed_album(http, files)
    made = 0

    def add(n: int) -> tuple[dict[str, str], int]:
        nonlocal made
        from immich.testing import tiny_jpeg

        new = workdir / f"mirror-new-{made}"
        new.mkdir()
        added, nbytes = {}, 0
        for index in range(made, made + n):
            path = new / f"NEW_{index:05d}.jpg"
            path.write_bytes(tiny_jpeg(90_000 + index))
            upload(http, path)
            added[path.name] = hashlib.sha1(path.read_bytes()).hexdigest()
            nbytes += path.stat().st_size
        made += n
        return added, nbytes

    return workflows.MirrorScenario(
        workdir,
        admin.url,
        (user.api_key, user.email, user.password),
        sums,
        add,
        settle=admin.wait_idle,
        on_close=http.close,
    )
