"""The loopback server itself: keep-alive, chunked bodies, big files, the command line."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

import immich.testing
from immich.testing import FakeImmich

BIG = 8 * 1024 * 1024 + 123


DATES = {"fileCreatedAt": "2024-01-01T00:00:00Z", "fileModifiedAt": "2024-01-01T00:00:00Z"}


def upload(client: httpx.Client, data: bytes, filename: str) -> httpx.Response:
    files = {"assetData": (filename, data, "application/octet-stream")}
    return client.post("/assets", files=files, data=DATES)


def test_keep_alive_connection_serves_many_requests(fake: FakeImmich) -> None:
    with fake.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        headers = {"x-api-key": fake.api_key, "content-type": "application/json"}
        for _ in range(20):
            connection.request("GET", "/api/users/me", headers=headers)
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["email"] == fake.admin_email
        # An error whose request body went unread must not desynchronise the connection.
        connection.request(
            "POST", "/api/albums", body=b'{"x": 1}', headers={"content-type": "application/json"}
        )
        unauthorized = connection.getresponse()
        assert unauthorized.status == 401
        unauthorized.read()
        connection.request("GET", "/api/server/ping")
        assert json.loads(connection.getresponse().read()) == {"res": "pong"}
        connection.close()


def test_big_upload_and_download_through_storage_dir(tmp_path: Path) -> None:
    fake = FakeImmich(storage_dir=tmp_path / "store")
    payload = os.urandom(BIG)
    with (
        fake.serve() as url,
        httpx.Client(
            base_url=url + "/api", headers={"x-api-key": fake.api_key}, timeout=30
        ) as client,
    ):
        created = upload(client, payload, "movie.mp4")
        assert created.status_code == 201
        asset_id = created.json()["id"]
        stored = Path(fake.asset(asset_id)["originalPath"])
        assert stored.is_relative_to(tmp_path / "store")
        assert stored.read_bytes() == payload
        assert fake.asset(asset_id)["type"] == "VIDEO"

        digest = hashlib.sha1()
        received = 0
        with client.stream("GET", f"/assets/{asset_id}/original") as response:
            assert response.headers["content-length"] == str(BIG)
            for chunk in response.iter_bytes():
                digest.update(chunk)
                received += len(chunk)
        assert received == BIG
        assert digest.digest() == hashlib.sha1(payload).digest()

        client.request("DELETE", "/assets", json={"ids": [asset_id], "force": True})
        assert not stored.exists()


def test_chunked_request_body(fake: FakeImmich) -> None:
    payload = os.urandom(300_000)
    request = httpx.Request(
        "POST", "http://x/", files={"assetData": ("a.jpg", payload, "image/jpeg")}, data=DATES
    )
    body = request.read()
    with fake.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request(
            "POST",
            "/api/assets",
            body=iter([body[:1000], body[1000:200_000], body[200_000:]]),
            headers={
                "x-api-key": fake.api_key,
                "content-type": request.headers["content-type"],
                "transfer-encoding": "chunked",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        assert response.status == 201
        asset_id = json.loads(response.read())["id"]
        connection.close()
    assert fake.asset_bytes(asset_id) == payload


def test_serves_concurrent_clients(fake: FakeImmich) -> None:
    files = [os.urandom(5000) + bytes([index]) for index in range(24)]
    with (
        fake.serve() as url,
        httpx.Client(base_url=url + "/api", headers={"x-api-key": fake.api_key}) as client,
        ThreadPoolExecutor(8) as pool,
    ):
        statuses = list(
            pool.map(
                lambda data: upload(client, data, "x.jpg").status_code,
                files + files[:8],
            )
        )
    assert statuses.count(201) == 24
    assert statuses.count(200) == 8
    assert len(fake.asset_ids()) == 24


def test_command_line_serves_until_interrupted() -> None:
    package_root = Path(immich.testing.__file__).resolve().parents[2]
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(package_root), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "immich.testing", "--port", "0", "--api-key", "secret-key"],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.split(" listening on ")[1].split()[0]
        assert "secret-key" in process.stdout.readline()
        me = httpx.get(url + "/api/users/me", headers={"x-api-key": "secret-key"}, timeout=5)
        assert me.status_code == 200
        assert httpx.get(url + "/.well-known/immich").json() == {"api": {"endpoint": "/api"}}
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
