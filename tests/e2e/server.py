"""The real Immich server the e2e suite runs against, and the accounts it makes there.

The servers (Immich 3.0.3 and 2.7.5) are started by ``scripts/e2e_server.sh`` (``make
e2e`` runs it), which writes a credentials file for each (see :func:`credential_files`);
every e2e test runs against each of them. Every test module works as a fresh user of its
own, made with the admin's key and deleted afterwards, so that tests neither see nor
disturb each other's assets, and a server that has run the suite before is as good as
a new one.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

from immich import Client

#: Where ../shared/immich-server's bootstrap.py writes each release's credentials.
CREDENTIALS_OF = {
    "3.0.3": "/srv/immich-server/credentials.env",
    "2.7.5": "/srv/immich-server-2.7.5/credentials.env",
}
HOW_TO_START = (
    "start the real servers with `scripts/e2e_server.sh` (it runs "
    "../shared/immich-server/build.sh, start.sh and bootstrap.py for each release in "
    "IMMICH_E2E_VERSIONS), or point IMMICH_E2E_CREDENTIALS at the credentials.env of "
    "running ones (several separated by ':')"
)


def credential_files() -> list[str]:
    """The servers to run against: IMMICH_E2E_CREDENTIALS, or those of the releases in
    IMMICH_E2E_VERSIONS (default: both, as CI starts them)."""
    given = os.environ.get("IMMICH_E2E_CREDENTIALS")
    if given:
        return [p for p in given.split(os.pathsep) if p]
    versions = os.environ.get("IMMICH_E2E_VERSIONS", "3.0.3 2.7.5").split()
    unknown = [v for v in versions if v not in CREDENTIALS_OF]
    if unknown:
        raise RuntimeError(f"IMMICH_E2E_VERSIONS: no server known for {unknown}")
    return [CREDENTIALS_OF[v] for v in versions]


T = TypeVar("T")


@dataclass(frozen=True)
class Server:
    url: str
    admin_key: str
    admin_email: str
    admin_password: str
    user2_email: str
    user2_password: str
    user2_key: str
    version: tuple[int, int, int]

    def admin(self) -> Client:
        return Client(self.url, api_key=self.admin_key)


@dataclass(frozen=True)
class Account:
    """A user made for one test module."""

    id: str
    email: str
    password: str
    name: str
    api_key: str


def read_credentials(path: str) -> dict[str, str]:
    location = Path(path)
    if not location.is_file():
        raise RuntimeError(f"no credentials file at {location}: {HOW_TO_START}")
    values = {}
    for line in location.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip().strip("'\"")
    return values


def connect_server(path: str) -> Server:
    values = read_credentials(path)
    url = values["IMMICH_URL"]
    try:
        answer = httpx.get(url.rstrip("/") + "/server/version", timeout=10, trust_env=False)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        raise RuntimeError(
            f"the Immich server at {url} does not answer ({exc}): {HOW_TO_START}"
        ) from exc
    version = answer.json()
    return Server(
        url=url,
        admin_key=values["IMMICH_API_KEY"],
        admin_email=values["IMMICH_ADMIN_EMAIL"],
        admin_password=values["IMMICH_ADMIN_PASSWORD"],
        user2_email=values["IMMICH_USER2_EMAIL"],
        user2_password=values["IMMICH_USER2_PASSWORD"],
        user2_key=values["IMMICH_USER2_API_KEY"],
        version=(version["major"], version["minor"], version["patch"]),
    )


def create_account(server: Server, label: str, *, is_admin: bool = False) -> Account:
    """A new user with a password and an API key of every permission (an admin when
    asked: for what only admins may do, without the server's own admin account)."""
    email = f"e2e-{label}-{secrets.token_hex(4)}@example.com".lower()
    password = secrets.token_urlsafe(12)
    name = f"E2E {label}"
    with server.admin() as admin:
        user = admin.users_admin.create_user_admin(
            email=email,
            password=password,
            name=name,
            should_change_password=False,
            is_admin=is_admin,
        )
    with Client(server.url) as anonymous:
        anonymous.login(email, password)
        key = anonymous.api_keys.create_api_key(name="e2e", permissions=["all"])
    return Account(id=user.id, email=email, password=password, name=name, api_key=key.secret)


def delete_account(server: Server, account: Account) -> None:
    with server.admin() as admin:
        admin.users_admin.delete_user_admin(account.id, force=True)


def wait_until(
    check: Callable[[], T | None],
    *,
    what: str,
    timeout: float = 60,
    interval: float = 0.25,
) -> T:
    """Poll ``check`` until it returns something other than None or False."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def queues_idle(server: Server, *, timeout: float = 180) -> None:
    """Wait until no queue of the server has work active or waiting (twice in a row:
    a finished job often queues follow-up jobs a moment later)."""
    quiet = 0

    def idle() -> bool:
        nonlocal quiet
        with server.admin() as admin:
            queues = admin.queues.get_queues()
        busy = [
            q.name
            for q in queues
            if q.statistics.active or q.statistics.waiting or q.statistics.delayed
        ]
        quiet = 0 if busy else quiet + 1
        return quiet >= 2

    wait_until(idle, what="the server's queues to go idle", timeout=timeout, interval=0.5)


@dataclass(frozen=True)
class Uploaded:
    """A photo a test module put on the server, with the bytes it sent."""

    id: str
    name: str
    content: bytes


def upload_photos(
    server: Server, account: Account, folder: Path, *, count: int, seed: int
) -> list[Uploaded]:
    """``count`` small JPEGs (distinct for each ``seed``) uploaded as ``account``, once the
    server has read their metadata and made their thumbnails.

    Waiting matters: the metadata extraction of an asset replaces its tags with those in
    the file, so a tag given before it ran is lost."""
    from tests.e2e.corpus import jpeg

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"photo-{seed}-{n}.jpg"
        jpeg(path, seed=seed * 100 + n)
        paths.append(path)
    with Client(server.url, api_key=account.api_key) as client:
        result = client.upload(paths, hash_cache=False)
    assert result.ok, result
    assert len(result.uploaded) == count, result
    ids = [result.uploaded[p] for p in paths]
    with Client(server.url, api_key=account.api_key) as client:

        def processed() -> bool:
            for asset_id in ids:
                info = client.assets.get_asset_info(asset_id)
                if (
                    info.thumbhash is None
                    or not info.exif_info
                    or info.exif_info.make != "E2E Camera"
                ):
                    return False
            return True

        wait_until(processed, what="the photos' metadata and thumbnails", timeout=120)
    return [Uploaded(result.uploaded[p], p.name, p.read_bytes()) for p in paths]
