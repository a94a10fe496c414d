"""Ctrl-C during a blocking ``Client`` upload: the signal reaches the main thread while the
uploads run on worker threads; the run must stop them and unwind cleanly."""

from __future__ import annotations

import gc
import signal
import sqlite3
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from immich import Client
from immich._sync.upload import upload
from immich.testing import FakeImmich
from tests._sync.recording import Recorder
from tests.helpers import BASE_URL
from tests.testing._media import make_jpeg

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _workers_end(within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not [t for t in threading.enumerate() if t.name.startswith("immich")]:
            return True
        time.sleep(0.01)
    return False


def test_ctrl_c_stops_the_worker_threads_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "photos"
    folder.mkdir()
    for index in range(16):
        (folder / f"{index}.jpg").write_bytes(make_jpeg(index))
    cache = tmp_path / "hashes.sqlite3"
    fake = FakeImmich()
    main = threading.main_thread().ident
    assert main is not None
    seen = 0
    lock = threading.Lock()

    def ctrl_c_on_third_upload(request: httpx.Request) -> httpx.Response | None:
        nonlocal seen
        if request.method == "POST" and request.url.path == "/api/assets":
            with lock:
                seen += 1
                if seen == 3:
                    signal.pthread_kill(main, signal.SIGINT)
        return None

    transport = Recorder(fake.transport(), hook=ctrl_c_on_third_upload)
    # A KeyboardInterrupt that lands inside a garbage-collector callback (pytest installs
    # one) is printed and swallowed by the interpreter, so the collector waits meanwhile.
    gc.disable()
    try:
        with (
            Client(BASE_URL, api_key=fake.api_key, transport=transport) as client,
            pytest.raises(KeyboardInterrupt),
        ):
            upload(client, folder, concurrency=3, hash_cache=cache)
    finally:
        gc.enable()

    assert seen < 16
    assert _workers_end()  # no upload left running behind our back
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM sha1").fetchone()[0] == 16

    with Client(BASE_URL, api_key=fake.api_key, transport=fake.transport()) as client:
        result = upload(client, folder, hash_cache=cache)
    assert result.ok
    assert len(fake.asset_ids()) == 16
