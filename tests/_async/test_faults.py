"""The client through injected faults: in-process (a transport wrapper) and on loopback
sockets (a proxy in front of ``FakeImmich.serve()``), with the injector of ``tests.faults``.

Under ``AsyncClient`` the loopback tests run through its default transport (over
asyncio), under ``Client`` through its http.client lane and httpx's own. Retry pauses are recorded, not slept
(``no_sleep``); stalls and timeouts are real on loopback.
"""

from __future__ import annotations

import datetime
import hashlib
import inspect
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from immich import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncClient,
    ImmichError,
    IncompleteDownloadError,
    InternalServerError,
    RateLimitError,
)
from immich.testing import FakeImmich
from tests.faults.injector import (
    RETRYABLE_FAULTS,
    STATUS_FAULTS,
    Fault,
    FaultPlan,
    FaultProxy,
    FaultTransport,
    Status,
    only,
)
from tests.faults.support import SilentListener, album_names
from tests.helpers import names_in

pytestmark = pytest.mark.usefixtures("no_sleep")

Via = Literal["transport", "loopback"]
VIAS: list[Via] = ["transport", "loopback"]
IS_ASYNC = inspect.iscoroutinefunction(AsyncClient.aclose)
UTC = datetime.timezone.utc
NOW = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 400  # 100 KiB and a bit


class Rig:
    """Clients of one ``FakeImmich`` through a fault plan, in-process or on loopback."""

    def __init__(self, fake: FakeImmich, stack: ExitStack) -> None:
        self.fake = fake
        self.stack = stack
        self.clients: list[AsyncClient] = []
        self.transports: list[FaultTransport] = []

    def client(self, via: Via, plan: FaultPlan, **options: Any) -> AsyncClient:
        options.setdefault("api_key", self.fake.api_key)
        options.setdefault("check_server_version", False)
        if via == "transport":
            transport = FaultTransport(self.fake.async_transport(), plan)
            self.transports.append(transport)
            client = AsyncClient("http://127.0.0.1:2283", transport=transport, **options)
        else:
            upstream = self.stack.enter_context(self.fake.serve())
            url = self.stack.enter_context(FaultProxy(upstream, plan))
            client = AsyncClient(url, **options)
        self.clients.append(client)
        return client


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    with ExitStack() as stack:
        rig = Rig(FakeImmich(), stack)
        try:
            yield rig
        finally:
            for client in rig.clients:
                await client.aclose()


def _checksum(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


# -- idempotent calls get through -------------------------------------------------------


@pytest.mark.parametrize("via", VIAS)
async def test_idempotent_calls_get_through_20_percent_faults(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    asset_id = rig.fake.add_asset(PHOTO, filename="IMG_0001.jpg")
    # A read timeout well above a loopback round trip: a spurious one would add a retry.
    plan = FaultPlan(rate=0.2, seed=5, faults=RETRYABLE_FAULTS, stall=0.8, retry_after=2)
    client = rig.client(via, plan, max_retries=8, timeout=httpx.Timeout(5.0, read=0.4))
    calls: list[Callable[[], Any]] = [  # coroutines under AsyncClient
        lambda: client.server.get_server_version(),
        lambda: client.assets.get_asset_info(asset_id),
        lambda: client.search.search_assets(original_file_name="IMG_0001"),
    ]
    for index in range(200):
        result = await calls[index % 3]()
        assert result is not None
        if index % 3 == 2:
            assert [a.id for a in result.assets.items] == [asset_id]
    injected = plan.injected
    assert len(injected) > 20
    # Every kind was met, and each fault cost one more request, no more.
    assert {str(f) for f in injected} == {str(f) for f in RETRYABLE_FAULTS}
    assert plan.eligible == 200 + len(injected)
    seconds = [f for f in injected if isinstance(f, Status) and f.retry_after == "seconds"]
    assert no_sleep.count(2.0) == len(seconds)  # Retry-After: 2
    if IS_ASYNC and via == "loopback":
        # The transport sends an idempotent request again, once and at once, when a
        # reused keep-alive connection turns out closed: not every drop costs a pause.
        assert len(seconds) <= len(no_sleep) <= len(injected)
        return
    # Otherwise every fault cost one pause: Retry-After's where the answer gave one,
    # else the backoff of that attempt.
    assert len(no_sleep) == len(injected)
    delays = iter(no_sleep)
    attempt = 0  # of the call under way
    for _, _, fault in plan.log:
        if fault is None:
            attempt = 0
            continue
        delay = next(delays)
        if isinstance(fault, Status) and fault.retry_after == "seconds":
            assert delay == 2.0
        elif isinstance(fault, Status) and fault.retry_after == "date":
            assert 0.5 <= delay <= 2.0, fault
        else:
            backoff = min(0.5 * 2**attempt, 8.0)
            assert 0.75 * backoff <= delay <= backoff, (fault, attempt, delay)
        attempt += 1


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", STATUS_FAULTS, ids=str)
async def test_retry_after_on_the_wire_is_honoured(
    via: Via, fault: Status, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[fault], retry_after=3)
    client = rig.client(via, plan)
    version = await client.server.get_server_version()
    assert version.major >= 2
    assert plan.eligible == 2
    [delay] = no_sleep
    if fault.retry_after == "seconds":
        assert delay == 3.0
    elif fault.retry_after == "date":
        assert 1.5 <= delay <= 3.0
    else:
        assert 0.3 <= delay <= 0.5  # the first backoff step


@pytest.mark.parametrize("via", VIAS)
async def test_rate_limit_is_raised_when_the_retries_run_out(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[Status(429, "seconds")] * 3, retry_after=1)
    client = rig.client(via, plan, max_retries=2)
    with pytest.raises(RateLimitError) as caught:
        await client.server.get_server_version()
    assert caught.value.status_code == 429
    assert plan.eligible == 3
    assert no_sleep == [1.0, 1.0]


# -- calls that must not be repeated --------------------------------------------------


def _post_fault_params() -> list[Any]:
    params = []
    for via in VIAS:
        for fault in (Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.DROP_MID_BODY, Fault.TRUNCATE):
            params.append(pytest.param(via, fault, id=f"{via}-{fault}"))
    return params


@pytest.mark.parametrize(("via", "fault"), _post_fault_params())
async def test_create_album_is_not_sent_twice_after_a_broken_connection(
    via: Via, fault: Fault, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[fault], match=only("POST", "/albums"))
    client = rig.client(via, plan, max_retries=3)
    with pytest.raises(APIConnectionError) as caught:
        await client.albums.create_album(album_name="Trip")
    # Not a timeout: the connection broke, and the message says how.
    assert type(caught.value) is APIConnectionError
    assert "POST" in str(caught.value)
    assert plan.eligible == 1
    assert no_sleep == []
    # Dropped before: the server never saw it. Otherwise it made exactly one album.
    expected = [] if fault is Fault.DROP_BEFORE else ["Trip"]
    assert album_names(rig.fake) == expected


@pytest.mark.parametrize("via", VIAS)
async def test_create_album_is_not_repeated_after_a_stall(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[Fault.STALL], match=only("POST", "/albums"), stall=0.5)
    client = rig.client(via, plan, max_retries=3, timeout=httpx.Timeout(5.0, read=0.1))
    with pytest.raises(APITimeoutError):
        await client.albums.create_album(album_name="Trip")
    assert plan.eligible == 1
    assert no_sleep == []


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", STATUS_FAULTS, ids=str)
async def test_error_status_on_create_album_is_raised_not_retried(
    via: Via, fault: Status, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[fault], match=only("POST", "/albums"))
    client = rig.client(via, plan, max_retries=3)
    expected = RateLimitError if fault.code == 429 else InternalServerError
    with pytest.raises(expected) as caught:
        await client.albums.create_album(album_name="Trip")
    assert caught.value.status_code == fault.code
    assert caught.value.method == "POST"
    assert plan.eligible == 1
    assert no_sleep == []
    assert album_names(rig.fake) == []


# -- uploads: repeated only with the checksum -----------------------------------------


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", [Fault.DROP_AFTER, Fault.DROP_MID_BODY, Fault.TRUNCATE])
async def test_upload_with_checksum_is_retried_and_stored_once(
    via: Via, fault: Fault, rig: Rig, tmp_path: Path, no_sleep: list[float]
) -> None:
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(PHOTO)
    plan = FaultPlan(script=[fault], match=only("POST", "/assets"))
    client = rig.client(via, plan)
    answer = await client.with_response(
        client.assets.upload_asset,
        asset_data=path,
        file_created_at=NOW,
        file_modified_at=NOW,
        x_immich_checksum=_checksum(PHOTO),
    )
    # The first attempt stored the file; the second one is answered as a duplicate.
    assert plan.eligible == 2
    assert len(no_sleep) == 1
    assert answer.status_code == 200
    assert answer.parsed.status == "duplicate"
    assert rig.fake.asset_ids() == [answer.parsed.id]
    assert rig.fake.asset_bytes(answer.parsed.id) == PHOTO


@pytest.mark.parametrize(
    "via",
    ["transport", "loopback"],
)
async def test_upload_without_checksum_is_not_retried(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[Fault.DROP_AFTER], match=only("POST", "/assets"))
    client = rig.client(via, plan)
    with pytest.raises(APIConnectionError):
        await client.assets.upload_asset(
            asset_data=("IMG_0001.jpg", PHOTO), file_created_at=NOW, file_modified_at=NOW
        )
    assert plan.eligible == 1
    assert no_sleep == []
    assert len(rig.fake.asset_ids()) == 1


# -- downloads: never short, never half a file ------------------------------------------


def _download_params(*faults: Fault) -> list[Any]:
    return [pytest.param(via, fault, id=f"{via}-{fault}") for via in VIAS for fault in faults]


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", [Fault.TRUNCATE, Fault.SHORT_BODY, Fault.DROP_MID_BODY])
async def test_broken_download_to_file_leaves_no_file(
    via: Via, fault: Fault, rig: Rig, tmp_path: Path
) -> None:
    asset_id = rig.fake.add_asset(PHOTO * 4, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[fault, fault], match=only("GET", "/original"))
    client = rig.client(via, plan)
    with pytest.raises((ImmichError, httpx.TransportError)):
        await client.assets.download_asset_to_file(asset_id, tmp_path)
    assert names_in(tmp_path) == []  # neither the file nor a .part
    with pytest.raises((ImmichError, httpx.TransportError)):
        await client.assets.download_asset_to_file(asset_id, tmp_path / "named.jpg")
    assert names_in(tmp_path) == []
    # The next download is whole.
    path = await client.assets.download_asset_to_file(asset_id, tmp_path)
    assert path.read_bytes() == PHOTO * 4
    assert names_in(tmp_path) == ["IMG_0001.jpg"]


@pytest.mark.parametrize(
    ("via", "fault"), _download_params(Fault.TRUNCATE, Fault.SHORT_BODY, Fault.DROP_MID_BODY)
)
async def test_broken_download_to_file_raises_incomplete_download(
    via: Via, fault: Fault, rig: Rig, tmp_path: Path
) -> None:
    asset_id = rig.fake.add_asset(PHOTO * 4, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[fault], match=only("GET", "/original"))
    client = rig.client(via, plan)
    with pytest.raises(IncompleteDownloadError):
        await client.assets.download_asset_to_file(asset_id, tmp_path)


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", [Fault.TRUNCATE, Fault.SHORT_BODY, Fault.DROP_MID_BODY])
async def test_broken_download_stream_raises_an_immich_error(
    via: Via, fault: Fault, rig: Rig
) -> None:
    asset_id = rig.fake.add_asset(PHOTO * 4, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[fault], match=only("GET", "/original"))
    client = rig.client(via, plan)
    received: list[int] = []
    with pytest.raises(ImmichError):
        await _drain(client, asset_id, received)
    assert sum(received) < len(PHOTO) * 4


async def _drain(client: AsyncClient, asset_id: str, sizes: list[int]) -> None:
    async with client.assets.download_asset_stream(asset_id) as body:
        async for chunk in body.aiter_bytes():
            sizes.append(len(chunk))


def _bytes_params() -> list[Any]:
    params = []
    for via in VIAS:
        for fault in (Fault.TRUNCATE, Fault.SHORT_BODY, Fault.DROP_MID_BODY):
            params.append(pytest.param(via, fault, id=f"{via}-{fault}"))
    return params


@pytest.mark.parametrize(("via", "fault"), _bytes_params())
async def test_broken_download_bytes_raise_rather_than_come_back_short(
    via: Via, fault: Fault, rig: Rig, no_sleep: list[float]
) -> None:
    asset_id = rig.fake.add_asset(PHOTO, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[fault] * 3, match=only("GET", "/original"))
    client = rig.client(via, plan, max_retries=2)
    with pytest.raises(APIConnectionError) as caught:
        await client.assets.download_asset(asset_id)
    assert not isinstance(caught.value, APITimeoutError)
    assert plan.eligible == 3  # a GET: tried again, twice


@pytest.mark.parametrize("via", VIAS)
@pytest.mark.parametrize("fault", [Fault.DROP_AFTER, Fault.DROP_MID_BODY])
async def test_download_bytes_recover_from_one_broken_answer(
    via: Via, fault: Fault, rig: Rig, no_sleep: list[float]
) -> None:
    asset_id = rig.fake.add_asset(PHOTO, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[fault], match=only("GET", "/original"))
    client = rig.client(via, plan)
    assert await client.assets.download_asset(asset_id) == PHOTO
    assert plan.eligible == 2


# -- answers that are not what they claim ------------------------------------------------


@pytest.mark.parametrize("via", VIAS)
async def test_malformed_json_raises_a_validation_error_with_an_excerpt(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    asset_id = rig.fake.add_asset(PHOTO, filename="IMG_0001.jpg")
    plan = FaultPlan(script=[Fault.MALFORMED_JSON, Fault.MALFORMED_JSON])
    client = rig.client(via, plan)
    with pytest.raises(APIResponseValidationError) as caught:
        await client.assets.get_asset_info(asset_id)
    error = caught.value
    assert error.status_code == 200
    assert error.body_excerpt.startswith('{"id": "0b2f6a5e')
    assert "not valid JSON" in str(error)
    assert f"GET http://127.0.0.1:{'2283' if via == 'transport' else ''}" in str(error)
    # A read-only POST too; neither is retried: the server did answer.
    with pytest.raises(APIResponseValidationError) as caught:
        await client.search.search_assets(is_favorite=True)
    assert caught.value.status_code == 200
    assert plan.eligible == 2
    assert no_sleep == []


# -- timeouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("via", VIAS)
async def test_a_stall_beyond_the_per_call_timeout_raises_a_timeout(
    via: Via, rig: Rig, no_sleep: list[float]
) -> None:
    plan = FaultPlan(script=[Fault.STALL], stall=2.0)
    client = rig.client(via, plan, max_retries=0)  # the client's own timeout: 60 s
    started = time.perf_counter()
    with pytest.raises(APITimeoutError) as caught:
        await client.server.get_server_version(timeout=0.2)
    assert time.perf_counter() - started < 1.5
    assert "timed out" in str(caught.value)
    assert plan.eligible == 1


@pytest.mark.parametrize("via", VIAS)
async def test_a_stall_within_the_timeout_is_waited_for(via: Via, rig: Rig) -> None:
    plan = FaultPlan(script=[Fault.STALL], stall=0.1)
    client = rig.client(via, plan, max_retries=0, timeout=2.0)
    started = time.perf_counter()
    version = await client.server.get_server_version()
    assert version.major >= 2
    assert time.perf_counter() - started >= 0.1


async def test_read_stall_on_loopback_is_retried_for_a_get(rig: Rig, no_sleep: list[float]) -> None:
    plan = FaultPlan(script=[Fault.STALL, Fault.STALL], stall=2.0)
    client = rig.client("loopback", plan, timeout=httpx.Timeout(10.0, read=0.3))
    started = time.perf_counter()
    assert (await client.server.get_server_version()).major >= 2
    elapsed = time.perf_counter() - started
    assert 0.6 <= elapsed < 2.0  # two read timeouts, then the answer
    assert plan.eligible == 3
    assert len(no_sleep) == 2


async def test_client_timeouts_reach_every_request(rig: Rig) -> None:
    timeout = httpx.Timeout(connect=1.0, read=2.0, write=3.0, pool=4.0)
    client = rig.client("transport", FaultPlan(), timeout=timeout)
    [transport] = rig.transports
    await client.server.get_server_version()
    await client.albums.create_album(album_name="Trip")
    await client.server.get_server_version(timeout=0.5)
    await client.server.get_server_version(timeout=httpx.Timeout(7.0, connect=0.25))
    await client.server.get_server_version(timeout=None)
    client_timeouts = {"connect": 1.0, "read": 2.0, "write": 3.0, "pool": 4.0}
    assert transport.timeouts == [
        client_timeouts,
        client_timeouts,
        {"connect": 0.5, "read": 0.5, "write": 0.5, "pool": 0.5},
        {"connect": 0.25, "read": 7.0, "write": 7.0, "pool": 7.0},
        {"connect": None, "read": None, "write": None, "pool": None},
    ]


async def test_default_timeouts_reach_every_request(rig: Rig) -> None:
    client = rig.client("transport", FaultPlan())
    [transport] = rig.transports
    await client.server.get_server_version()
    assert transport.timeouts == [{"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}]


@pytest.mark.skipif(
    sys.platform != "linux", reason="relies on Linux dropping SYNs on a full backlog"
)
async def test_connect_timeout_on_loopback(no_sleep: list[float]) -> None:
    with SilentListener("connect") as url:
        client = AsyncClient(
            url, api_key="key", timeout=httpx.Timeout(5.0, connect=0.1), max_retries=1
        )
        started = time.perf_counter()
        try:
            with pytest.raises(APITimeoutError) as caught:
                # A POST: nothing was sent, so it is tried again all the same.
                await client.albums.create_album(album_name="Trip")
        finally:
            await client.aclose()
    assert "ConnectTimeout" in str(caught.value)
    assert len(no_sleep) == 1
    assert time.perf_counter() - started < 2.0


async def test_write_timeout_on_loopback(no_sleep: list[float]) -> None:
    # The listener closes its connections after 1.5 s, so a missing timeout cannot hang.
    with SilentListener("write", lifetime=1.5) as url:
        client = AsyncClient(
            url,
            api_key="key",
            timeout=httpx.Timeout(10.0, write=0.2),
            max_retries=0,
            check_server_version=False,
        )
        started = time.perf_counter()
        try:
            with pytest.raises(APITimeoutError) as caught:
                await client.assets.upload_asset(
                    asset_data=("big.jpg", bytes(32 << 20)),
                    file_created_at=NOW,
                    file_modified_at=NOW,
                )
        finally:
            await client.aclose()
        elapsed = time.perf_counter() - started
    assert "WriteTimeout" in str(caught.value)
    assert elapsed < 1.2


async def test_pool_timeout_on_loopback(rig: Rig, no_sleep: list[float]) -> None:
    asset_id = rig.fake.add_asset(PHOTO, filename="IMG_0001.jpg")
    upstream = rig.stack.enter_context(rig.fake.serve())
    # One connection at most: while a download holds it, the next call waits for it.
    client = AsyncClient(
        upstream,
        api_key=rig.fake.api_key,
        timeout=httpx.Timeout(5.0, pool=0.1),
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1)),
        max_retries=1,
    )
    rig.clients.append(client)
    async with client.assets.download_asset_stream(asset_id):
        started = time.perf_counter()
        with pytest.raises(APITimeoutError) as caught:
            await client.server.get_server_version()
        assert time.perf_counter() - started < 1.0
    assert "PoolTimeout" in str(caught.value)
    assert len(no_sleep) == 1  # nothing was sent: safe to try again
    assert (await client.server.get_server_version()).major >= 2
