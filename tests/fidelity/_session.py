"""One run of the script against one server: raw httpx requests, each recorded as a step.

The script creates its own users through the admin API (so the real server's other users
and their data stay out of it) and deletes them at the end.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ._compare import Exchange, Expect, Labels

CREDENTIALS_VARIABLE = "IMMICH_E2E_CREDENTIALS"
DEFAULT_CREDENTIALS = "/srv/immich-server/credentials.env"
HOW_TO_START = (
    "start the real Immich server first: ../shared/immich-server/build.sh && "
    "../shared/immich-server/start.sh && ../shared/immich-server/bootstrap.py "
    f"(which writes the credentials file), or point {CREDENTIALS_VARIABLE} at its credentials"
)


class ServerUnavailable(Exception):
    pass


def real_server_credentials() -> dict[str, str]:
    """IMMICH_URL and IMMICH_API_KEY (an admin's) from the credentials file."""
    path = Path(os.environ.get(CREDENTIALS_VARIABLE, DEFAULT_CREDENTIALS))
    if not path.is_file():
        raise ServerUnavailable(f"no credentials file at {path}: {HOW_TO_START}")
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and not name.startswith("#"):
            values[name.removeprefix("export ").strip()] = value.strip().strip("'\"")
    missing = {"IMMICH_URL", "IMMICH_API_KEY"} - values.keys()
    if missing:
        raise ServerUnavailable(f"{path} lacks {', '.join(sorted(missing))}: {HOW_TO_START}")
    url = values["IMMICH_URL"].rstrip("/")
    try:
        httpx.get(url.removesuffix("/api") + "/api/server/ping", timeout=5).raise_for_status()
    except httpx.HTTPError as error:
        raise ServerUnavailable(
            f"the Immich server at {url} does not answer ({error}): {HOW_TO_START}"
        ) from None
    return values


@dataclass
class Actor:
    """A user the script created: its id, an API key and a login session's token."""

    id: str = ""
    email: str = ""
    password: str = ""
    api_key: str = ""
    token: str = ""


@dataclass
class Session:
    """Sends the script's requests to one server and records every step's answer."""

    name: str
    root: str  # the server's URL without /api
    admin_key: str
    # Waits until the server's background jobs (metadata, thumbnails) are done; the fake has none.
    settle: Callable[[Session], None] = lambda session: None
    exchanges: dict[str, Exchange] = field(default_factory=dict)
    labels: Labels = field(default_factory=Labels)
    user: Actor = field(default_factory=Actor)
    other: Actor = field(default_factory=Actor)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.root + "/api", timeout=120)

    def close(self) -> None:
        self.http.close()

    def call(
        self,
        step: str,
        method: str,
        path: str,
        *,
        key: str | None = None,
        token: str | None = None,
        expect: Expect | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One step, as the given API key or session token (neither: anonymously)."""
        assert step not in self.exchanges, f"step {step} is run twice"
        all_headers = dict(headers or {})
        # An empty credential is one a failed step did not hand out: send it as wrong.
        if key is not None:
            all_headers["x-api-key"] = key or "missing"
        if token is not None:
            all_headers["authorization"] = f"Bearer {token or 'missing'}"
        response = self.http.request(method, path, headers=all_headers, **kwargs)
        # A login's cookies would authenticate the next requests too: each step says who it is.
        self.http.cookies.clear()
        self.exchanges[step] = Exchange.of(step, response, expect or Expect())
        return response

    def as_user(self, step: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.call(step, method, path, key=self.user.api_key, **kwargs)

    def as_admin(self, step: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.call(step, method, path, key=self.admin_key, **kwargs)

    def create_actor(self, prefix: str, actor: Actor) -> None:
        """A fresh non-admin user with an all-permissions API key and a login session."""
        actor.email = f"fidelity-{prefix}-{secrets.token_hex(4)}@example.com"
        actor.password = secrets.token_urlsafe(12)
        body = {
            "email": actor.email,
            "name": f"Fidelity {prefix}",
            "password": actor.password,
            "shouldChangePassword": False,
        }
        created = self.as_admin(f"create user {prefix}", "POST", "/admin/users", json=body)
        actor.id = body_of(created).get("id", "")
        self.labels.add(actor.id, f"user {prefix}")
        credentials = {"email": actor.email, "password": actor.password}
        login = self.call(f"login {prefix}", "POST", "/auth/login", json=credentials)
        actor.token = body_of(login).get("accessToken", "")
        key_body = {"name": "fidelity", "permissions": ["all"]}
        made = self.call(
            f"create API key {prefix}", "POST", "/api-keys", token=actor.token, json=key_body
        )
        actor.api_key = body_of(made).get("secret", "")
        self.labels.add(body_of(made).get("apiKey", {}).get("id"), f"api key {prefix}")

    def delete_actors(self) -> None:
        """Not steps: the real server must lose these users even when the script failed."""
        for actor in (self.user, self.other):
            if actor.id:
                self.http.request(
                    "DELETE",
                    f"/admin/users/{actor.id}",
                    headers={"x-api-key": self.admin_key},
                    json={"force": True},
                )


def body_of(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an answer, or {} (so that a failed step never stops the script)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def list_of(response: httpx.Response) -> list[Any]:
    try:
        body = response.json()
    except ValueError:
        return []
    return body if isinstance(body, list) else []


def wait_for_jobs(session: Session, timeout: float = 90.0) -> None:
    """The real server extracts metadata and makes thumbnails in the background: wait until
    the queues that work on uploads are idle (or give up, and let the steps show it)."""
    deadline = time.monotonic() + timeout
    busy_queues = ("metadataExtraction", "thumbnailGeneration", "sidecar", "videoConversion")
    while time.monotonic() < deadline:
        response = session.http.get("/jobs", headers={"x-api-key": session.admin_key})
        queues = body_of(response)
        busy = sum(
            queues.get(name, {}).get("jobCounts", {}).get(kind, 0)
            for name in busy_queues
            for kind in ("active", "waiting", "delayed")
        )
        if response.is_success and busy == 0:
            return
        time.sleep(0.5)
