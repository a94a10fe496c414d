"""FakeImmich: the public face of the fake server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from ._dispatch import Dispatcher
from ._dto import asset_dto, user_admin_dto
from ._http import FakeRequest, FakeResponse
from ._routes.upload import add_uploaded_asset
from ._server import LoopbackServer
from ._state import ApiKey, FakeState, User
from ._transports import FakeAsyncTransport, FakeTransport
from ._wire import new_secret, parse_datetime, utc_now


class FakeImmich:
    """A stateful, in-memory stand-in for an Immich 3.0.3 server.

    It speaks Immich's JSON wire format for the operations it implements and answers every
    other operation of the spec with 501. Plug it into httpx without a socket::

        fake = FakeImmich()
        client = httpx.Client(transport=fake.transport(), base_url="http://fake/api")
        client.get("/users/me", headers={"x-api-key": fake.api_key})

    or serve it on loopback::

        with fake.serve() as url:  # "http://127.0.0.1:PORT", API under url + "/api"
            ...

    The constructor seeds an admin user with an API key (``api_key``) and a password
    (``admin_email`` / ``admin_password``). Asset bytes stay in memory unless ``storage_dir``
    names a folder to keep them in.

    Background work runs as jobs on Immich's queues: an upload's metadata extraction
    (dates from a JPEG's EXIF, else the file's times) and then its thumbnails, library
    scans, the sidecar write after a tag edit. By default a job runs at once; with
    ``job_delay`` (seconds) it waits that long in its queue first, and runs when a later
    request finds it due, so that code which waits for the server's processing can be
    tested. :meth:`run_jobs` runs whatever is waiting now.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        storage_dir: str | os.PathLike[str] | None = None,
        admin_email: str = "admin@example.com",
        admin_password: str | None = None,
        admin_name: str = "Admin",
        job_delay: float = 0.0,
    ) -> None:
        self.storage_dir = Path(storage_dir) if storage_dir is not None else None
        if self.storage_dir is not None:
            self.storage_dir.mkdir(parents=True, exist_ok=True)
        self._state = FakeState(self.storage_dir)
        self._dispatcher = Dispatcher(self._state)
        self.job_delay = job_delay
        self.api_key = api_key or new_secret()
        self.admin_email = admin_email
        self.admin_password = admin_password or new_secret(12)
        self.admin_id = self._add_user(
            email=admin_email,
            name=admin_name,
            password=self.admin_password,
            is_admin=True,
            api_key=self.api_key,
            storage_label="admin",
        )

    # Seeding and inspection

    @property
    def admin(self) -> dict[str, Any]:
        """The admin as ``GET /users/me`` shows it (UserAdminResponseDto, camelCase keys)."""
        with self._state.lock:
            return user_admin_dto(self._state, self._state.users[self.admin_id])

    def create_user(
        self,
        *,
        email: str,
        name: str,
        is_admin: bool = False,
        password: str | None = None,
    ) -> tuple[str, str]:
        """Adds a user with an all-permissions API key; returns ``(user_id, api_key)``."""
        api_key = new_secret()
        user_id = self._add_user(
            email=email,
            name=name,
            password=password or new_secret(12),
            is_admin=is_admin,
            api_key=api_key,
        )
        return user_id, api_key

    def add_asset(
        self,
        data: bytes,
        *,
        filename: str = "IMG_0001.jpg",
        owner: str | None = None,
        taken_at: datetime | str | None = None,
        is_favorite: bool = False,
    ) -> str:
        """Stores an asset as if it had been uploaded and returns its id.

        ``owner`` is a user id (the admin by default). ``taken_at`` sets fileCreatedAt: a
        datetime (naive means UTC) or an ISO 8601 string. Identical bytes for the same owner
        give back the existing asset's id, as a duplicate upload would.
        """
        owner_id = owner or self.admin_id
        if isinstance(taken_at, str):
            parsed = parse_datetime(taken_at)
            if parsed is None:
                raise ValueError(f"taken_at is not an ISO 8601 datetime: {taken_at!r}")
            taken_at = parsed
        if taken_at is not None and taken_at.tzinfo is None:
            taken_at = taken_at.replace(tzinfo=timezone.utc)  # naive means UTC, as documented
        moment = taken_at or utc_now()
        blob, checksum = self._state.blobs.store(data, Path(filename).suffix)
        with self._state.lock:
            if owner_id not in self._state.users:
                blob.discard()
                raise KeyError(f"no user with id {owner_id}")
            duplicate = self._state.upload_duplicate(owner_id, checksum)
            if duplicate is not None:
                blob.discard()
                return duplicate.id
            asset = add_uploaded_asset(
                self._state,
                owner_id=owner_id,
                blob=blob,
                checksum=checksum,
                filename=filename,
                file_created_at=moment,
                file_modified_at=moment,
                is_favorite=is_favorite,
            )
            return asset.id

    def asset(self, asset_id: str) -> dict[str, Any]:
        """An asset as ``GET /assets/{id}`` shows it (AssetResponseDto); KeyError if unknown."""
        with self._state.lock:
            return asset_dto(self._state, self._state.assets[asset_id], detailed=True)

    def asset_ids(self, owner: str | None = None) -> list[str]:
        """Ids of every asset (trashed ones too), or of one owner's, in upload order."""
        with self._state.lock:
            return [
                asset.id
                for asset in self._state.assets.values()
                if owner is None or asset.owner_id == owner
            ]

    def asset_bytes(self, asset_id: str) -> bytes:
        with self._state.lock:
            blob = self._state.assets[asset_id].blob
        with blob.open() as handle:
            return handle.read()

    def replace_asset_bytes(self, asset_id: str, data: bytes) -> None:
        """Give the asset new content (a new checksum, the same id), as when the file of an
        external library's asset is rewritten on disk."""
        with self._state.lock:
            asset = self._state.assets[asset_id]
            blob, checksum = self._state.blobs.store(data, Path(asset.original_file_name).suffix)
            self._state.change_checksum(asset, checksum)
            asset.blob = blob

    # Background jobs

    @property
    def job_delay(self) -> float:
        """Seconds a queued job waits before it runs (0: at once)."""
        return self._state.queues.delay

    @job_delay.setter
    def job_delay(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("job_delay must be 0 or more")
        self._state.queues.delay = seconds

    def run_jobs(self) -> int:
        """Runs every job waiting in a queue that is not paused (and the jobs they queue),
        due or not; returns how many ran."""
        with self._state.lock:
            return self._state.queues.run_due(everything=True)

    # Serving

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answers one request; the transports and the loopback server all end up here."""
        return self._dispatcher.handle(request)

    def transport(self) -> httpx.BaseTransport:
        """For ``httpx.Client(transport=..., base_url="http://fake/api")``."""
        return FakeTransport(self.handle)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """For ``httpx.AsyncClient(transport=..., base_url="http://fake/api")``."""
        return FakeAsyncTransport(self.handle)

    @contextmanager
    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, log_requests: bool = False
    ) -> Iterator[str]:
        """Serves on a real socket while the block runs; yields the base URL, such as
        ``http://127.0.0.1:PORT`` (port 0 picks a free one). Routes are under ``/api``."""
        server = LoopbackServer(self.handle, host, port, log_requests=log_requests)
        server.start()
        try:
            yield server.url
        finally:
            server.stop()

    # Internals

    def _add_user(
        self,
        *,
        email: str,
        name: str,
        password: str,
        is_admin: bool,
        api_key: str,
        storage_label: str | None = None,
    ) -> str:
        with self._state.lock:
            if self._state.user_by_email(email) is not None:
                raise ValueError(f"a user with email {email} already exists")
            user = self._state.add_user(
                User(
                    email=email,
                    name=name,
                    password=password,
                    is_admin=is_admin,
                    storage_label=storage_label,
                )
            )
            key = ApiKey(user_id=user.id, name="FakeImmich", secret=api_key)
            self._state.api_keys[key.id] = key
            return user.id
