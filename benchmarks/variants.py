"""The measured code of each variant; ``bench.py`` runs and times them."""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc
from typing import Any

from loopback import sample_asset

# -- start-up (run in a fresh interpreter; {url} is filled in) -------------------------

_RSS = "int(open('/proc/self/statm').read().split()[1]) * __import__('os').sysconf('SC_PAGE_SIZE') / 1e6"

IMPORT_IMMICH = f"""
import json, time
start = time.perf_counter()
import immich
client = immich.Client(base_url="{{url}}", api_key="k")
ms = (time.perf_counter() - start) * 1000
print(json.dumps({{{{"ms": ms, "rss_mb": {_RSS}}}}}))
"""

IMPORT_IMMICHPY = f"""
import json, time
start = time.perf_counter()
from immichpy import AsyncClient
client = AsyncClient(base_url="{{url}}", api_key="k")
ms = (time.perf_counter() - start) * 1000
print(json.dumps({{{{"ms": ms, "rss_mb": {_RSS}}}}}))
"""


# -- building clients -----------------------------------------------------------------


def build_clients(url: str, count: int) -> float:
    import immich

    start = time.perf_counter()
    for _ in range(count):
        immich.Client(base_url=url, api_key="k").close()
    return (time.perf_counter() - start) * 1000 / count


def build_async_clients(url: str, count: int) -> float:
    import immich

    async def go() -> float:
        start = time.perf_counter()
        for _ in range(count):
            await immich.AsyncClient(base_url=url, api_key="k").aclose()
        return (time.perf_counter() - start) * 1000 / count

    return asyncio.run(go())


def build_immichpy_clients(url: str, count: int) -> float:
    from immichpy import AsyncClient

    async def go() -> float:
        start = time.perf_counter()
        for _ in range(count):
            client = AsyncClient(base_url=url, api_key="k")
            await client.close()
        return (time.perf_counter() - start) * 1000 / count

    return asyncio.run(go())


# -- decoding -------------------------------------------------------------------------


DECODE = """
import json, variants
body = variants.asset_list_body(5000)
variants.{variant}(body)  # warm-up: builds the structuring functions
print(json.dumps({{"value": variants.{variant}(body)}}))
"""


def asset_list_body(count: int) -> bytes:
    return json.dumps([sample_asset(i) for i in range(count)]).encode()


def decode_immich(body: bytes) -> float:
    from immich import converter
    from immich._core.json_codec import loads
    from immich.models import AssetResponseDto

    start = time.perf_counter()
    assets = converter.structure(loads(body), list[AssetResponseDto])
    elapsed = time.perf_counter() - start
    assert len(assets) == 5000
    assert assets[-1].original_file_name == "IMG_04999.jpg"
    return len(assets) / elapsed


def decode_immich_memory(body: bytes) -> float:
    """MB still held by the decoded list (the parsed JSON is garbage by then)."""
    from immich import converter
    from immich._core.json_codec import loads
    from immich.models import AssetResponseDto

    tracemalloc.start()
    assets = converter.structure(loads(body), list[AssetResponseDto])
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(assets) == 5000
    return held / 1e6


def decode_immichpy_memory(body: bytes) -> float:
    from immichpy.client.generated.api_client import ApiClient

    client = ApiClient()
    tracemalloc.start()
    assets = client.deserialize(body.decode(), "List[AssetResponseDto]", "application/json")
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(assets) == 5000
    return held / 1e6


def decode_immichpy(body: bytes) -> float:
    from immichpy.client.generated.api_client import ApiClient

    client = ApiClient()
    text = body.decode()
    start = time.perf_counter()
    assets = client.deserialize(text, "List[AssetResponseDto]", "application/json")
    elapsed = time.perf_counter() - start
    assert len(assets) == 5000
    return len(assets) / elapsed


# -- per-call throughput --------------------------------------------------------------
#
# Each variant makes ``count`` calls of one kind: the server's version when ``asset`` is
# None, else that asset's record (``GET /api/assets/{id}``), with the API key ``key``.


def _sdk_call(client: Any, asset: str | None) -> Any:
    if asset is None:
        return client.server.get_server_version
    get = client.assets.get_asset_info
    return lambda: get(asset)


def _check_sdk(answer: Any, asset: str | None) -> None:
    assert (answer.major == 3) if asset is None else (str(answer.id) == asset), answer


def _raw_path(asset: str | None) -> str:
    return "/api/server/version" if asset is None else f"/api/assets/{asset}"


def _check_raw(answer: dict[str, Any], asset: str | None) -> None:
    assert (answer["major"] == 3) if asset is None else (answer["id"] == asset), answer


def sync_calls(url: str, count: int, key: str = "k", asset: str | None = None) -> float:
    import immich

    with immich.Client(base_url=url, api_key=key) as client:
        call = _sdk_call(client, asset)
        call()
        start = time.perf_counter()
        for _ in range(count):
            answer = call()
        elapsed = time.perf_counter() - start
    _check_sdk(answer, asset)
    return count / elapsed


def raw_httpx_sync(url: str, count: int, key: str = "k", asset: str | None = None) -> float:
    import httpx

    path = _raw_path(asset)
    with httpx.Client(base_url=url, headers={"x-api-key": key}) as client:
        client.get(path)
        start = time.perf_counter()
        for _ in range(count):
            answer = client.get(path).json()
        elapsed = time.perf_counter() - start
    _check_raw(answer, asset)
    return count / elapsed


def _on_threads(call: Any, count: int, threads: int) -> tuple[Any, float]:
    """``count`` calls of ``call``, shared out among ``threads`` threads."""
    from concurrent.futures import ThreadPoolExecutor

    def share(calls: int) -> Any:
        for _ in range(calls):
            answer = call()
        return answer

    call()
    with ThreadPoolExecutor(threads) as pool:
        start = time.perf_counter()
        answers = list(pool.map(share, [count // threads] * threads))
        elapsed = time.perf_counter() - start
    return answers[-1], threads * (count // threads) / elapsed


def sync_threads(url: str, count: int, threads: int, key: str, asset: str | None) -> float:
    """One ``Client`` shared by ``threads`` threads (its connection pool is thread-safe)."""
    import immich

    with immich.Client(base_url=url, api_key=key) as client:
        answer, rate = _on_threads(_sdk_call(client, asset), count, threads)
    _check_sdk(answer, asset)
    return rate


def raw_httpx_threads(url: str, count: int, threads: int, key: str, asset: str | None) -> float:
    import httpx

    path = _raw_path(asset)
    limits = httpx.Limits(max_connections=100)
    with httpx.Client(base_url=url, headers={"x-api-key": key}, limits=limits) as client:
        answer, rate = _on_threads(lambda: client.get(path).json(), count, threads)
    _check_raw(answer, asset)
    return rate


def immichpy_sync_pattern(url: str, count: int) -> float:
    """immichpy is async-only; its documented way from blocking code is asyncio.run."""
    from immichpy import AsyncClient

    async def one() -> Any:
        async with AsyncClient(base_url=url, api_key="k") as client:
            return await client.server.get_server_version()

    start = time.perf_counter()
    for _ in range(count):
        version = asyncio.run(one())
    elapsed = time.perf_counter() - start
    assert version.major == 3
    return count / elapsed


# -- httpx's layer alone: send() over a transport that answers from memory ---------------

_VERSION_BODY = b'{"major":3,"minor":0,"patch":3,"prerelease":null}'
_VERSION_HEADERS = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("Content-Length", str(len(_VERSION_BODY))),
    ("ETag", '"31-k2OPzDMeq67JFpbtdHhfryuZxG4"'),
    ("Vary", "Accept-Encoding"),
    ("Connection", "keep-alive"),
    ("Keep-Alive", "timeout=5"),
]


def _in_memory_transport() -> Any:
    """Answers every request as the real server answers ``GET /server/version``: what a
    call costs on top of the network is then all that is measured."""
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=_VERSION_HEADERS, content=_VERSION_BODY)

    return httpx.MockTransport(answer)


def in_memory_calls(count: int, layer: str) -> float:
    """Calls/s of ``GET /server/version`` with nothing on the network: ``layer`` is
    ``"httpx.Client"``, ``"httpx.AsyncClient"``, ``"Client"`` or ``"AsyncClient"``."""
    import httpx

    import immich

    url = "http://127.0.0.1:2283"
    transport = _in_memory_transport()

    async def on_async(call: Any) -> float:
        return (await _gather(call, count, 1))[1]

    if layer == "httpx.Client":
        with httpx.Client(base_url=url, transport=transport, headers={"x-api-key": "k"}) as raw:
            return _on_threads(lambda: raw.get("/api/server/version").json(), count, 1)[1]
    if layer == "Client":
        with immich.Client(base_url=url, api_key="k", transport=transport) as client:
            return _on_threads(client.server.get_server_version, count, 1)[1]

    async def go() -> float:
        if layer == "httpx.AsyncClient":
            async with httpx.AsyncClient(
                base_url=url, transport=transport, headers={"x-api-key": "k"}
            ) as raw:

                async def get() -> Any:
                    return (await raw.get("/api/server/version")).json()

                return await on_async(get)
        async with immich.AsyncClient(base_url=url, api_key="k", transport=transport) as client:
            return await on_async(client.server.get_server_version)

    return asyncio.run(go())


async def _gather(call: Any, count: int, concurrency: int) -> tuple[Any, float]:
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> Any:
        async with semaphore:
            return await call()

    await call()
    start = time.perf_counter()
    answers = await asyncio.gather(*(one() for _ in range(count)))
    return answers[-1], count / (time.perf_counter() - start)


def async_calls(
    url: str,
    count: int,
    concurrency: int,
    plain_httpx: bool = False,
    key: str = "k",
    asset: str | None = None,
) -> float:
    import httpx

    import immich

    async def go() -> tuple[Any, float]:
        transport = httpx.AsyncHTTPTransport() if plain_httpx else None
        async with immich.AsyncClient(base_url=url, api_key=key, transport=transport) as client:
            return await _gather(_sdk_call(client, asset), count, concurrency)

    answer, rate = asyncio.run(go())
    _check_sdk(answer, asset)
    return rate


def raw_httpx_async(
    url: str, count: int, concurrency: int, key: str = "k", asset: str | None = None
) -> float:
    import httpx

    path = _raw_path(asset)

    async def go() -> tuple[Any, float]:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(
            base_url=url, headers={"x-api-key": key}, limits=limits
        ) as client:

            async def call() -> Any:
                return (await client.get(path)).json()

            return await _gather(call, count, concurrency)

    answer, rate = asyncio.run(go())
    _check_raw(answer, asset)
    return rate


def raw_aiohttp(
    url: str, count: int, concurrency: int, key: str = "k", asset: str | None = None
) -> float:
    import aiohttp

    path = _raw_path(asset)

    async def go() -> tuple[Any, float]:
        async with aiohttp.ClientSession(base_url=url, headers={"x-api-key": key}) as session:

            async def call() -> Any:
                async with session.get(path) as response:
                    return await response.json()

            return await _gather(call, count, concurrency)

    answer, rate = asyncio.run(go())
    _check_raw(answer, asset)
    return rate


def immichpy_async(
    url: str, count: int, concurrency: int, key: str = "k", asset: str | None = None
) -> float:
    import uuid

    from immichpy import AsyncClient

    async def go() -> tuple[Any, float]:
        async with AsyncClient(base_url=url, api_key=key) as client:
            if asset is None:
                call = client.server.get_server_version
            else:
                get, asset_id = client.assets.get_asset_info, uuid.UUID(asset)
                call = lambda: get(id=asset_id)  # noqa: E731
            return await _gather(call, count, concurrency)

    answer, rate = asyncio.run(go())
    _check_sdk(answer, asset)
    return rate


# -- transfers (each run in a fresh interpreter: {url}, {key}, {size}, {dir}, {path}; a
# download's {asset} and the hex SHA-1 of its bytes, {sha1}) ------------------------------

# ru_maxrss survives exec on Linux (a child reports its parent's peak); VmHWM does not.
_TRANSFER_PRELUDE = f"""
import json, os, time
def rss(): return {_RSS}
def peak_rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1000
def sha1_of(path):
    import hashlib
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
"""

_DOWNLOAD_IMMICH = """
import immich
target = os.path.join("{dir}", "immich.bin")
with immich.Client(base_url="{url}", api_key="{key}") as client:
    client.server.get_server_version()
    download = client.assets.download_asset_to_file  # the group's first use imports it
    before = rss()
    start = time.perf_counter()
    download("{asset}", target)
    elapsed = time.perf_counter() - start
"""

_DOWNLOAD_IMMICH_ASYNC = """
import asyncio, immich
target = os.path.join("{dir}", "immich-async.bin")
async def go():
    async with immich.AsyncClient(base_url="{url}", api_key="{key}") as client:
        await client.server.get_server_version()
        download = client.assets.download_asset_to_file  # the group's first use imports it
        before = rss()
        start = time.perf_counter()
        await download("{asset}", target)
        return before, time.perf_counter() - start
before, elapsed = asyncio.run(go())
"""

_DOWNLOAD_IMMICHPY = """
import asyncio, uuid, pathlib
from immichpy import AsyncClient
async def go():
    async with AsyncClient(base_url="{url}", api_key="{key}") as client:
        await client.server.get_server_version()
        before = rss()
        start = time.perf_counter()
        path = await client.assets.download_asset_to_file(
            id=uuid.UUID("{asset}"), out_dir=pathlib.Path("{dir}"), filename="immichpy.bin"
        )
        return before, time.perf_counter() - start, path
before, elapsed, target = asyncio.run(go())
"""

_DOWNLOAD_HTTPX = """
import httpx
target = os.path.join("{dir}", "httpx.bin")
with httpx.Client(base_url="{url}", headers={{"x-api-key": "{key}"}}) as client:
    client.get("/api/server/version")
    before = rss()
    start = time.perf_counter()
    with client.stream("GET", "/api/assets/{asset}/original") as response, open(target, "wb") as out:
        for chunk in response.iter_bytes(1 << 20):
            out.write(chunk)
    elapsed = time.perf_counter() - start
"""

_DOWNLOAD_AIOHTTP = """
import asyncio, aiohttp
target = os.path.join("{dir}", "aiohttp.bin")
async def go():
    async with aiohttp.ClientSession("{url}", headers={{"x-api-key": "{key}"}}) as session:
        async with session.get("/api/server/version") as response:
            await response.read()
        before = rss()
        start = time.perf_counter()
        async with session.get("/api/assets/{asset}/original") as response:
            with open(target, "wb") as out:
                async for chunk in response.content.iter_chunked(1 << 20):
                    out.write(chunk)
        return before, time.perf_counter() - start
before, elapsed = asyncio.run(go())
"""

_DOWNLOAD_EPILOGUE = """
peak = peak_rss()
assert os.path.getsize(target) == {size}, os.path.getsize(target)
assert sha1_of(target) == "{sha1}", "the download differs from the original"
os.remove(target)
print(json.dumps({{"mb_s": {size} / 1e6 / elapsed, "rss_growth_mb": max(0.0, peak - before)}}))
"""


def download_variants(with_immichpy: bool) -> dict[str, str]:
    bodies = {
        "immich Client": _DOWNLOAD_IMMICH,
        "immich AsyncClient": _DOWNLOAD_IMMICH_ASYNC,
        "raw httpx stream": _DOWNLOAD_HTTPX,
        "raw aiohttp stream": _DOWNLOAD_AIOHTTP,
    }
    if with_immichpy:
        bodies["immichpy"] = _DOWNLOAD_IMMICHPY
    return {name: _TRANSFER_PRELUDE + body + _DOWNLOAD_EPILOGUE for name, body in bodies.items()}


_UPLOAD_IMMICH = """
import datetime, immich
now = datetime.datetime.now(datetime.timezone.utc)
with immich.Client(base_url="{url}", api_key="k") as client:
    client.server.get_server_version()
    received = client.http_client.get("{url}/api/_stats").json()["bytes"]
    upload = client.assets.upload_asset  # the group's first use imports it
    before = rss()
    start = time.perf_counter()
    upload(asset_data="{path}", file_created_at=now, file_modified_at=now)
    elapsed = time.perf_counter() - start
    received = client.http_client.get("{url}/api/_stats").json()["bytes"] - received
"""

_UPLOAD_IMMICH_ASYNC = """
import asyncio, datetime, immich
now = datetime.datetime.now(datetime.timezone.utc)
async def go():
    async with immich.AsyncClient(base_url="{url}", api_key="k") as client:
        await client.server.get_server_version()
        received = (await client.http_client.get("{url}/api/_stats")).json()["bytes"]
        upload = client.assets.upload_asset  # the group's first use imports it
        before = rss()
        start = time.perf_counter()
        await upload(asset_data="{path}", file_created_at=now, file_modified_at=now)
        elapsed = time.perf_counter() - start
        received = (await client.http_client.get("{url}/api/_stats")).json()["bytes"] - received
        return before, elapsed, received
before, elapsed, received = asyncio.run(go())
"""

_UPLOAD_IMMICHPY = """
import asyncio, datetime, httpx
from immichpy import AsyncClient
now = datetime.datetime.now(datetime.timezone.utc)
async def go():
    async with AsyncClient(base_url="{url}", api_key="k") as client:
        await client.server.get_server_version()
        received = httpx.get("{url}/api/_stats").json()["bytes"]
        before = rss()
        start = time.perf_counter()
        await client.assets.upload_asset(
            asset_data="{path}", file_created_at=now, file_modified_at=now
        )
        elapsed = time.perf_counter() - start
        return before, elapsed, httpx.get("{url}/api/_stats").json()["bytes"] - received
before, elapsed, received = asyncio.run(go())
"""

_UPLOAD_EPILOGUE = """
peak = peak_rss()
size = os.path.getsize("{path}")
assert size <= received < size + 4096, (size, received)
print(json.dumps({{"mb_s": size / 1e6 / elapsed, "rss_growth_mb": max(0.0, peak - before)}}))
"""


def upload_variants(with_immichpy: bool) -> dict[str, str]:
    bodies = {"immich Client": _UPLOAD_IMMICH, "immich AsyncClient": _UPLOAD_IMMICH_ASYNC}
    if with_immichpy:
        bodies["immichpy"] = _UPLOAD_IMMICHPY
    return {name: _TRANSFER_PRELUDE + body + _UPLOAD_EPILOGUE for name, body in bodies.items()}
