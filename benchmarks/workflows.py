"""Workflow figures: bulk upload against the official CLI, album download against raw aiohttp.

Against ``FakeImmich`` served on loopback (in the benchmark's process, on threads of its
own), or with ``bench.py --real`` against a real Immich server (``real.py``: a fresh user
per variant and round, the server's job queues idle before every run); every variant
runs in a child process of its own, whose wall time and peak RSS are measured, start-up
included, as a user would see them. Transfers are checked: asset counts and SHA-1
checksums against the files.

- Upload: 1,000 small distinct JPEGs and 5 files of 100 MB (200 and 5 of 20 MB with
  ``--quick``) with ``Client.upload`` / ``AsyncClient.upload`` and with ``@immich/cli``
  (``scripts/install_node_tools.sh``), each on a fresh server: a first run, then a
  second over the unchanged folder. On a real server: 500 small JPEGs (the random
  100 MB "videos" would fail its processing), immichpy's ``assets.upload`` too, each
  variant as a fresh user on a fresh copy of the folder.
- Album download: an album of 1,000 small assets with ``Client.download(dest, album=)``
  / ``AsyncClient.download`` and with a plain aiohttp script (list the album, stream
  each original to a file, four at a time, as the SDK's default concurrency here), into
  folders on a RAM disk when there is one (see ``DownloadScenario``). On a real server:
  an album of the same 500 small JPEGs.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
NODE_TOOLS = ROOT / "scripts" / "install_node_tools.sh"

_UPLOAD_SDK = """
import json, sys, immich
url, key, folder, cache, kind = sys.argv[1:6]
if kind == "async":
    import asyncio
    async def go():
        async with immich.AsyncClient(url, api_key=key) as client:
            return await client.upload(folder, hash_cache=cache)
    result = asyncio.run(go())
else:
    with immich.Client(url, api_key=key) as client:
        result = client.upload(folder, hash_cache=cache)
print(json.dumps({"uploaded": len(result.uploaded), "duplicates": len(result.duplicates),
                  "failed": len(result.failed)}))
"""

_UPLOAD_IMMICHPY = """
import asyncio, json, sys
from immichpy import AsyncClient
url, key, folder = sys.argv[1:4]
async def go():
    async with AsyncClient(base_url=url, api_key=key) as client:
        return await client.assets.upload(folder)
result = asyncio.run(go())
print(json.dumps({"uploaded": len(result.uploaded), "duplicates": len(result.rejected),
                  "failed": len(result.failed)}))
"""

_DOWNLOAD_SDK = """
import json, sys, immich
url, key, dest, kind = sys.argv[1:5]
if kind == "async":
    import asyncio
    async def go():
        async with immich.AsyncClient(url, api_key=key) as client:
            return await client.download(dest, album="Bench", hash_cache=False)
    result = asyncio.run(go())
else:
    with immich.Client(url, api_key=key) as client:
        result = client.download(dest, album="Bench", hash_cache=False)
print(json.dumps({"downloaded": len(result.downloaded), "failed": len(result.failed)}))
"""

_DOWNLOAD_AIOHTTP = """
import asyncio, json, os, sys, aiohttp
url, key, dest = sys.argv[1:4]
async def go():
    headers = {"x-api-key": key}
    async with aiohttp.ClientSession(url, headers=headers) as session:
        async with session.get("/api/albums") as response:
            album = next(a for a in await response.json() if a["albumName"] == "Bench")
        assets, page = [], 1
        while page:  # the album's assets, a page of 1,000 at a time
            query = {"albumIds": [album["id"]], "size": 1000, "page": page}
            async with session.post("/api/search/metadata", json=query) as response:
                found = (await response.json())["assets"]
            assets += found["items"]
            page = int(found["nextPage"]) if found.get("nextPage") else None
        gate = asyncio.Semaphore(4)
        async def one(asset):
            async with gate, session.get(f"/api/assets/{asset['id']}/original") as response:
                response.raise_for_status()
                with open(os.path.join(dest, asset["originalFileName"]), "wb") as out:
                    async for chunk in response.content.iter_chunked(1 << 20):
                        out.write(chunk)
        await asyncio.gather(*(one(asset) for asset in assets))
        return len(assets)
print(json.dumps({"downloaded": asyncio.run(go()), "failed": 0}))
"""


_MIRROR_SDK = """
import json, sys, immich
url, key, email, password, dest, kind, what = sys.argv[1:8]
options = {"hash_cache": False}
if what == "mirror" and email != "-":
    options.update(email=email, password=password)
def call(client):
    if what == "mirror":
        return client.mirror(dest, **options)
    return client.download(dest, **options)
if kind == "async":
    import asyncio
    async def go():
        async with immich.AsyncClient(url, api_key=key) as client:
            return await call(client)
    result = asyncio.run(go())
else:
    with immich.Client(url, api_key=key) as client:
        result = call(client)
print(json.dumps({"downloaded": len(result.downloaded), "failed": len(result.failed),
                  "bytes": result.bytes_downloaded, "ok": result.ok}))
"""


def _child(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; its wall time in seconds, peak RSS in MB and standard output.

    The peak is the child's own VmHWM, read until it exits: ``ru_maxrss`` would count
    the memory of this process, which the child was forked from, as its own.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _high_water_mb(process.pid))
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        if process.returncode != 0:
            problem = err.read().decode(errors="replace")
            raise RuntimeError(f"{command[:3]} failed: {text[-2000:]} {problem[-2000:]}")
    return elapsed, peak, text


def _high_water_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1000
    except OSError:  # gone meanwhile
        pass
    return 0.0


def official_cli() -> list[str] | None:
    """The command that runs ``@immich/cli``, or None when it cannot be installed."""
    if os.environ.get("IMMICH_CLI"):
        return os.environ["IMMICH_CLI"].split()
    try:
        out = subprocess.run(
            ["bash", str(NODE_TOOLS)], check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.split()


def make_photos(folder: Path, small: int, big: int, big_mb: int) -> dict[str, str]:
    """The files to upload; returns the base64 SHA-1 (the server's checksum) of each."""
    from immich.testing import tiny_jpeg

    sums = {}
    for index in range(small):
        path = folder / f"day{index % 10}" / f"IMG_{index:04d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(tiny_jpeg(index))
    rng = random.Random(7)
    for index in range(big):
        path = folder / "videos" / f"clip_{index}.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(big_mb << 20))
    for path in folder.rglob("*"):
        if path.is_file():
            digest = hashlib.sha1(path.read_bytes()).digest()
            sums[str(path)] = base64.b64encode(digest).decode()
    return sums


def ram_folder() -> Path | None:
    """A new folder on the RAM disk, where there is one (a disk's writeback made the
    figures swing more)."""
    ram = Path("/dev/shm")
    return Path(tempfile.mkdtemp(dir=ram)) if ram.is_dir() else None


@dataclass
class Account:
    """Where one variant's round runs: a server, an API key, and what it holds there."""

    url: str
    api_key: str
    checksums: Callable[[], list[str]]  # the base64 SHA-1 of every asset held, sorted


class Servers(Protocol):
    """Hands out accounts; ``settle`` waits until the server is done with past work."""

    where: str

    def account(self, label: str) -> contextlib.AbstractContextManager[Account]: ...

    def settle(self, what: str) -> None: ...


class FakeServers:
    """A fresh ``FakeImmich`` on loopback per account: it has no background work."""

    where = "FakeImmich on loopback"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    @contextmanager
    def account(self, label: str) -> Iterator[Account]:
        from immich.testing import FakeImmich

        storage = self.workdir / f"storage-{time.monotonic_ns()}"
        fake = FakeImmich(storage_dir=storage)
        try:
            with fake.serve() as url:
                yield Account(
                    url,
                    fake.api_key,
                    lambda: sorted(fake.asset(asset)["checksum"] for asset in fake.asset_ids()),
                )
        finally:
            shutil.rmtree(storage, ignore_errors=True)

    def settle(self, what: str) -> None:
        pass


class UploadScenario:
    """One round of a variant: a fresh account, a first run and a second; its figures are
    handed out one by one (the first asks for the round to run)."""

    def __init__(
        self,
        workdir: Path,
        servers: Servers,
        cli: list[str] | None,
        sizes: tuple[int, int, int],
        fresh_copies: bool = False,
    ) -> None:
        """``sizes``: how many small JPEGs, how many big files, of how many MB each.
        ``fresh_copies``: each round uploads a copy of the folder of its own."""
        self.workdir = workdir
        self.servers = servers
        self.folder = workdir / "photos"
        small, big, big_mb = sizes
        self.files = small + big
        self.expected = sorted(make_photos(self.folder, small, big, big_mb).values())
        self.cli = cli
        self.fresh_copies = fresh_copies
        self.last: dict[str, dict[str, float]] = {}

    def _command(self, variant: str, account: Account, folder: Path, cache: Path) -> list[str]:
        if variant == "cli":
            assert self.cli is not None
            config = ["--config-directory", str(cache.with_suffix(".cli"))]
            _child([*self.cli, *config, "login", account.url, account.api_key])
            return [*self.cli, *config, "upload", "--recursive", str(folder)]
        if variant == "immichpy":
            code = textwrap.dedent(_UPLOAD_IMMICHPY)
            return [sys.executable, "-c", code, account.url, account.api_key, str(folder)]
        code = textwrap.dedent(_UPLOAD_SDK)
        command = [sys.executable, "-c", code, account.url, account.api_key, str(folder)]
        return [*command, str(cache), variant]

    def _run(self, variant: str) -> dict[str, float]:
        runs = []
        stamp = time.monotonic_ns()
        folder = self.folder
        if self.fresh_copies:
            folder = self.workdir / f"photos-{variant}-{stamp}"
            shutil.copytree(self.folder, folder)
        cache = self.workdir / f"hash-cache-{stamp}.db"
        try:
            with self.servers.account(variant) as account:
                command = self._command(variant, account, folder, cache)
                for run in ("first", "second"):
                    self.servers.settle(f"before {variant}'s {run} run")
                    elapsed, peak, out = _child(command)
                    runs.append((elapsed, peak))
                    held = account.checksums()
                    assert held == self.expected, (variant, run, len(held), len(self.expected))
                    if variant != "cli":
                        counts = json.loads(out.strip().splitlines()[-1])
                        assert counts["failed"] == 0, counts
        finally:
            cache.unlink(missing_ok=True)
            shutil.rmtree(cache.with_suffix(".cli"), ignore_errors=True)
            if folder != self.folder:
                shutil.rmtree(folder, ignore_errors=True)
        (first, first_peak), (second, second_peak) = runs
        return {
            "first": self.files / first,
            "second": self.files / second,
            "first_peak": first_peak,
            "second_peak": second_peak,
        }

    def figure(self, variant: str, key: str) -> Callable[[], float]:
        def measure() -> float:
            if key == "first":
                self.last[variant] = self._run(variant)
            return self.last[variant][key]

        return measure


class DownloadScenario:
    """An album "Bench" of small assets on one server, downloaded into a fresh folder per
    run; ``sums`` is the hex SHA-1 of each by file name.

    The folders are on a RAM disk (``/dev/shm``) where there is one: on the project's VM,
    creating the same 1,000 files on its disk took anywhere from 25 to 900 ms from one
    run to the next, which swamped the difference between the clients measured.
    """

    def __init__(
        self,
        workdir: Path,
        url: str,
        api_key: str,
        sums: dict[str, str],
        on_close: Callable[[], object] | None = None,
    ) -> None:
        self._ram_dir = ram_folder()
        self.workdir = self._ram_dir or workdir
        self.on_ram_disk = self._ram_dir is not None
        self.url, self.api_key, self.sums = url, api_key, sums
        self.count = len(sums)
        self._on_close = on_close

    @classmethod
    def on_fake(cls, workdir: Path, quick: bool) -> DownloadScenario:
        """The album on a ``FakeImmich`` served on loopback until :meth:`close`."""
        from immich import Client
        from immich.testing import FakeImmich, tiny_jpeg

        fake = FakeImmich()
        sums, ids = {}, []
        for index in range(200 if quick else 1000):
            data = tiny_jpeg(10_000 + index)
            ids.append(fake.add_asset(data, filename=f"IMG_{index:04d}.jpg"))
            sums[f"IMG_{index:04d}.jpg"] = hashlib.sha1(data).hexdigest()
        with Client("http://localhost", api_key=fake.api_key, transport=fake.transport()) as c:
            c.albums.create_album(album_name="Bench", asset_ids=ids)
        serving = fake.serve()
        url = serving.__enter__()
        return cls(workdir, url, fake.api_key, sums, lambda: serving.__exit__(None, None, None))

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
        if self._ram_dir is not None:
            shutil.rmtree(self._ram_dir, ignore_errors=True)

    def measure(self, variant: str) -> Callable[[], float]:
        def measure() -> float:
            dest = self.workdir / f"album-{time.monotonic_ns()}"
            dest.mkdir()
            key = self.api_key
            if variant == "aiohttp":
                command = [sys.executable, "-c", textwrap.dedent(_DOWNLOAD_AIOHTTP)]
                command += [self.url, key, str(dest)]
            else:
                command = [sys.executable, "-c", textwrap.dedent(_DOWNLOAD_SDK)]
                command += [self.url, key, str(dest), variant]
            os.sync()  # the previous run's writes and deletes are not on this one's time
            elapsed, _, out = _child(command)
            counts = json.loads(out.strip().splitlines()[-1])
            written = {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in dest.iterdir()}
            assert counts == {"downloaded": self.count, "failed": 0}, counts
            assert written == self.sums, (len(written), len(self.sums))
            # Kept until the end: deleting 1,000 files (with the disk's discards) here
            # would slow the file creation of whichever variant runs next.
            return self.count / elapsed

        return measure


def media_files(dest: Path) -> dict[str, str]:
    """File name -> hex SHA-1 of the originals in a download or a mirror (not its
    sidecars, album manifests or state)."""
    return {
        path.name: hashlib.sha1(path.read_bytes()).hexdigest()
        for path in dest.rglob("*")
        if path.is_file()
        and path.suffix != ".json"
        and not path.name.startswith(".")
        and ".immich-mirror" not in path.parts
    }


class MirrorScenario:
    """A user's library of small assets: its first mirror against ``client.download`` of
    the same assets (a fresh folder each run), a mirror run with nothing changed, and one
    after ``changes`` new assets, which must fetch exactly those files.

    ``add(n)`` puts ``n`` new assets in the library and returns the hex SHA-1 of each by
    file name, and their bytes all told. Folders are on a RAM disk where there is one
    (see ``DownloadScenario``).
    """

    def __init__(
        self,
        workdir: Path,
        url: str,
        account: tuple[str, str, str],
        sums: dict[str, str],
        add: Callable[[int], tuple[dict[str, str], int]],
        settle: Callable[[str], object] = lambda what: None,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        self._ram_dir = ram_folder()
        self.workdir = self._ram_dir or workdir
        self.on_ram_disk = self._ram_dir is not None
        self.url = url
        self.key, self.email, self.password = account
        self.sums = dict(sums)
        self.add = add
        self.settle = settle
        self._on_close = on_close
        self.mirrors: dict[str, Path] = {}  # kind -> a complete mirror, for later runs
        self.mirrored: dict[str, int] = {}  # kind -> how many assets it holds

    @property
    def count(self) -> int:
        return len(self.sums)

    @classmethod
    def on_fake(cls, workdir: Path, count: int) -> MirrorScenario:
        """The library on a ``FakeImmich`` served on loopback until :meth:`close`."""
        from immich.testing import FakeImmich, tiny_jpeg

        fake = FakeImmich()
        email, password = "mirror@example.com", "bench-password"
        owner, key = fake.create_user(email=email, name="Mirror", password=password)
        made = 0

        def add(n: int) -> tuple[dict[str, str], int]:
            nonlocal made
            sums, nbytes = {}, 0
            for index in range(made, made + n):
                data = tiny_jpeg(50_000 + index)
                name = f"IMG_{index:05d}.jpg"
                fake.add_asset(data, filename=name, owner=owner)
                sums[name] = hashlib.sha1(data).hexdigest()
                nbytes += len(data)
            made += n
            return sums, nbytes

        sums, _ = add(count)
        serving = fake.serve()
        url = serving.__enter__()
        scenario = cls(
            workdir,
            url,
            (key, email, password),
            sums,
            add,
            on_close=lambda: serving.__exit__(None, None, None),
        )
        return scenario

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()
        if self._ram_dir is not None:
            shutil.rmtree(self._ram_dir, ignore_errors=True)

    def _run(
        self, kind: str, what: str, dest: Path, *, login: bool
    ) -> tuple[float, dict[str, int]]:
        code = textwrap.dedent(_MIRROR_SDK)
        email = self.email if login else "-"
        command = [sys.executable, "-c", code, self.url, self.key, email, self.password]
        command += [str(dest), kind, what]
        os.sync()
        elapsed, _, out = _child(command)
        return elapsed, json.loads(out.strip().splitlines()[-1])

    def measure_first(self, variant: str) -> Callable[[], float]:
        """``variant``: ``"mirror sync"``, ``"mirror async"``, ``"download sync"``, ...:
        files/s of a first run into an empty folder."""
        what, kind = variant.split()

        def measure() -> float:
            dest = self.workdir / f"{what}-{kind}-{time.monotonic_ns()}"
            elapsed, counts = self._run(kind, what, dest, login=True)
            assert counts["downloaded"] == self.count, counts
            assert counts["failed"] == 0, counts
            assert media_files(dest) == self.sums
            if what == "mirror":
                old = self.mirrors.get(kind)
                self.mirrors[kind] = dest
                self.mirrored[kind] = self.count
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
            else:
                shutil.rmtree(dest, ignore_errors=True)
            return self.count / elapsed

        return measure

    def _mirror(self, kind: str) -> Path:
        """A mirror of the library as it is now (made, or brought up to date: set-up,
        not measured)."""
        if kind not in self.mirrors:
            dest = self.workdir / f"mirror-{kind}-{time.monotonic_ns()}"
            self._run(kind, "mirror", dest, login=True)
            self.mirrors[kind] = dest
        elif self.mirrored[kind] != self.count:
            self._run(kind, "mirror", self.mirrors[kind], login=False)
        self.mirrored[kind] = self.count
        return self.mirrors[kind]

    def unchanged(self, kind: str) -> Callable[[], float]:
        """Seconds for a mirror run when nothing changed (the process's start included)."""

        def measure() -> float:
            dest = self._mirror(kind)
            self.settle("before a mirror run with nothing changed")
            elapsed, counts = self._run(kind, "mirror", dest, login=False)
            assert counts["downloaded"] == 0, counts
            assert counts["ok"], counts
            return elapsed

        return measure

    def changed(self, kind: str, changes: int) -> Callable[[], float]:
        """Seconds for a mirror run after ``changes`` new assets: it must download exactly
        those files, byte for byte."""

        def measure() -> float:
            dest = self._mirror(kind)
            new, nbytes = self.add(changes)
            self.sums.update(new)
            self.settle(f"after {changes} new assets")
            elapsed, counts = self._run(kind, "mirror", dest, login=False)
            assert counts["downloaded"] == changes, counts
            assert counts["bytes"] == nbytes, counts  # those files, and nothing else
            assert counts["ok"], counts
            self.mirrored[kind] = self.count
            assert media_files(dest) == self.sums
            return elapsed

        return measure
