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


def sync_calls(url: str, count: int) -> float:
    import immich

    with immich.Client(base_url=url, api_key="k") as client:
        client.server.get_server_version()
        start = time.perf_counter()
        for _ in range(count):
            version = client.server.get_server_version()
        elapsed = time.perf_counter() - start
    assert version.major == 3
    return count / elapsed


def raw_httpx_sync(url: str, count: int) -> float:
    import httpx

    with httpx.Client(base_url=url, headers={"x-api-key": "k"}) as client:
        client.get("/api/server/version")
        start = time.perf_counter()
        for _ in range(count):
            version = client.get("/api/server/version").json()
        elapsed = time.perf_counter() - start
    assert version["major"] == 3
    return count / elapsed


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


async def _gather(call: Any, count: int, concurrency: int) -> float:
    semaphore = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with semaphore:
            await call()

    await call()
    start = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    return count / (time.perf_counter() - start)


def async_calls(url: str, count: int, concurrency: int, plain_httpx: bool = False) -> float:
    import httpx

    import immich

    async def go() -> float:
        transport = httpx.AsyncHTTPTransport() if plain_httpx else None
        async with immich.AsyncClient(base_url=url, api_key="k", transport=transport) as client:
            return await _gather(client.server.get_server_version, count, concurrency)

    return asyncio.run(go())


def raw_httpx_async(url: str, count: int, concurrency: int) -> float:
    import httpx

    async def go() -> float:
        limits = httpx.Limits(max_connections=100)
        async with httpx.AsyncClient(base_url=url, limits=limits) as client:

            async def call() -> Any:
                return (await client.get("/api/server/version")).json()

            return await _gather(call, count, concurrency)

    return asyncio.run(go())


def raw_aiohttp(url: str, count: int, concurrency: int) -> float:
    import aiohttp

    async def go() -> float:
        async with aiohttp.ClientSession(base_url=url) as session:

            async def call() -> Any:
                async with session.get("/api/server/version") as response:
                    return await response.json()

            return await _gather(call, count, concurrency)

    return asyncio.run(go())


def immichpy_async(url: str, count: int, concurrency: int) -> float:
    from immichpy import AsyncClient

    async def go() -> float:
        async with AsyncClient(base_url=url, api_key="k") as client:
            return await _gather(client.server.get_server_version, count, concurrency)

    return asyncio.run(go())


# -- transfers (each run in a fresh interpreter: {url}, {size}, {dir}, {path}) --------

# ru_maxrss survives exec on Linux (a child reports its parent's peak); VmHWM does not.
_TRANSFER_PRELUDE = f"""
import json, os, time
def rss(): return {_RSS}
def peak_rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1000
"""

_DOWNLOAD_IMMICH = """
import immich
from loopback import asset_id
target = os.path.join("{dir}", "immich.bin")
with immich.Client(base_url="{url}", api_key="k") as client:
    client.server.get_server_version()
    download = client.assets.download_asset_to_file  # the group's first use imports it
    before = rss()
    start = time.perf_counter()
    download(asset_id({size}), target)
    elapsed = time.perf_counter() - start
"""

_DOWNLOAD_IMMICH_ASYNC = """
import asyncio, immich
from loopback import asset_id
target = os.path.join("{dir}", "immich-async.bin")
async def go():
    async with immich.AsyncClient(base_url="{url}", api_key="k") as client:
        await client.server.get_server_version()
        download = client.assets.download_asset_to_file  # the group's first use imports it
        before = rss()
        start = time.perf_counter()
        await download(asset_id({size}), target)
        return before, time.perf_counter() - start
before, elapsed = asyncio.run(go())
"""

_DOWNLOAD_IMMICHPY = """
import asyncio, uuid, pathlib
from immichpy import AsyncClient
from loopback import asset_id
async def go():
    async with AsyncClient(base_url="{url}", api_key="k") as client:
        await client.server.get_server_version()
        before = rss()
        start = time.perf_counter()
        path = await client.assets.download_asset_to_file(
            id=uuid.UUID(asset_id({size})), out_dir=pathlib.Path("{dir}"), filename="immichpy.bin"
        )
        return before, time.perf_counter() - start, path
before, elapsed, target = asyncio.run(go())
"""

_DOWNLOAD_HTTPX = """
import httpx
from loopback import asset_id
target = os.path.join("{dir}", "httpx.bin")
with httpx.Client(base_url="{url}") as client:
    client.get("/api/server/version")
    before = rss()
    start = time.perf_counter()
    with client.stream("GET", f"/api/assets/{{asset_id({size})}}/original") as response, open(target, "wb") as out:
        for chunk in response.iter_bytes(1 << 20):
            out.write(chunk)
    elapsed = time.perf_counter() - start
"""

_DOWNLOAD_EPILOGUE = """
peak = peak_rss()
assert os.path.getsize(target) == {size}, os.path.getsize(target)
os.remove(target)
print(json.dumps({{"mb_s": {size} / 1e6 / elapsed, "rss_growth_mb": max(0.0, peak - before)}}))
"""


def download_variants(with_immichpy: bool) -> dict[str, str]:
    bodies = {
        "immich Client": _DOWNLOAD_IMMICH,
        "immich AsyncClient": _DOWNLOAD_IMMICH_ASYNC,
        "raw httpx stream": _DOWNLOAD_HTTPX,
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
