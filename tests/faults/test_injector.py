"""The injector itself: plans are deterministic, faults look on the wire as they should,
and the proxy stays on loopback and stops by itself."""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from immich.testing import FakeImmich
from tests.faults.injector import (
    MALFORMED_JSON_BODY,
    RETRYABLE_FAULTS,
    STATUS_FAULTS,
    Fault,
    FaultPlan,
    FaultProxy,
    FaultTransport,
    Status,
    only,
)
from tests.faults.support import SilentListener

VERSION = "/api/server/version"


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture
def upstream(fake: FakeImmich) -> Iterator[str]:
    with fake.serve() as url:
        yield url


def _draw(plan: FaultPlan, count: int) -> list[str]:
    return [str(plan.choose("GET", VERSION)) for _ in range(count)]


def test_a_seeded_plan_draws_the_same_faults_every_time() -> None:
    first = _draw(FaultPlan(rate=0.2, seed=11), 500)
    assert first == _draw(FaultPlan(rate=0.2, seed=11), 500)
    assert first != _draw(FaultPlan(rate=0.2, seed=12), 500)


def test_the_rate_is_the_share_of_faulted_requests() -> None:
    plan = FaultPlan(rate=0.2, seed=3)
    _draw(plan, 5000)
    assert 0.18 <= len(plan.injected) / 5000 <= 0.22
    assert set(plan.counts()) == {str(f) for f in RETRYABLE_FAULTS}


def test_the_script_comes_first_then_the_rate() -> None:
    plan = FaultPlan(script=[Fault.STALL, None, Status(503)], rate=1.0, faults=[Fault.TRUNCATE])
    assert _draw(plan, 5) == ["stall", "None", "503", "truncate", "truncate"]


def test_requests_that_do_not_match_are_let_through_and_not_logged() -> None:
    plan = FaultPlan(rate=1.0, faults=[Fault.DROP_AFTER], match=only("POST", "/albums"))
    assert plan.choose("GET", "/api/albums") is None
    assert plan.choose("POST", "/api/assets") is None
    assert plan.choose("POST", "/api/albums") is Fault.DROP_AFTER
    assert plan.requests == 3
    assert plan.eligible == 1


def test_bad_plans_are_refused() -> None:
    with pytest.raises(ValueError, match="rate"):
        FaultPlan(rate=1.5)
    with pytest.raises(ValueError, match="faults"):
        FaultPlan(rate=0.5, faults=[])


@pytest.mark.parametrize("fault", STATUS_FAULTS, ids=str)
def test_status_answers_carry_retry_after_in_the_form_asked(fault: Status) -> None:
    headers, body = FaultPlan(retry_after=7).status_answer(fault)
    values = dict(headers)
    assert str(fault.code).encode() in body
    if fault.retry_after is None:
        assert "retry-after" not in values
    elif fault.retry_after == "seconds":
        assert values["retry-after"] == "7"
    else:
        when = email.utils.parsedate_to_datetime(values["retry-after"]).timestamp()
        assert 5.5 <= when - time.time() <= 7.0


# -- in-process ----------------------------------------------------------------------------


def _through_transport(fake: FakeImmich, fault: Fault | Status, stall: float = 1.0) -> httpx.Client:
    transport = FaultTransport(fake.transport(), FaultPlan(script=[fault], stall=stall))
    return httpx.Client(transport=transport, base_url="http://fake", timeout=1.0)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.DROP_BEFORE, httpx.ReadError),
        (Fault.DROP_AFTER, httpx.RemoteProtocolError),
        (Fault.DROP_MID_BODY, httpx.ReadError),
        (Fault.TRUNCATE, httpx.RemoteProtocolError),
    ],
)
def test_transport_faults_raise_what_httpx_raises(
    fake: FakeImmich, fault: Fault, error: type[Exception]
) -> None:
    with _through_transport(fake, fault) as client, pytest.raises(error):
        client.get(VERSION)


def test_a_short_body_keeps_its_content_length(fake: FakeImmich) -> None:
    with _through_transport(fake, Fault.SHORT_BODY) as client:
        response = client.get(VERSION)
    assert len(response.content) == int(response.headers["content-length"]) // 2


def test_a_stall_beyond_the_read_timeout_is_a_read_timeout(fake: FakeImmich) -> None:
    with _through_transport(fake, Fault.STALL, stall=5.0) as client:
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            client.get(VERSION)
        assert time.perf_counter() - started < 1.0  # emulated: nothing waited


def test_malformed_json_keeps_the_status(fake: FakeImmich) -> None:
    with _through_transport(fake, Fault.MALFORMED_JSON) as client:
        response = client.get(VERSION)
    assert response.status_code == 200
    assert response.content == MALFORMED_JSON_BODY


async def test_the_transport_works_for_async_clients_too(fake: FakeImmich) -> None:
    plan = FaultPlan(script=[Status(503, "seconds"), Fault.DROP_AFTER])
    transport = FaultTransport(fake.async_transport(), plan)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as client:
        assert (await client.get(VERSION)).headers["retry-after"] == "1"
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(VERSION)
        assert (await client.get(VERSION)).json()["major"] >= 2


# -- on loopback ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.DROP_BEFORE, httpx.ReadError),  # a reset
        (Fault.DROP_AFTER, httpx.RemoteProtocolError),  # closed before any answer
        (Fault.DROP_MID_BODY, httpx.ReadError),
        (Fault.TRUNCATE, httpx.RemoteProtocolError),  # closed short of Content-Length
        (Fault.SHORT_BODY, httpx.RemoteProtocolError),
    ],
)
def test_proxy_faults_happen_on_the_socket(
    upstream: str, fault: Fault, error: type[Exception]
) -> None:
    plan = FaultPlan(script=[fault])
    with FaultProxy(upstream, plan) as url, httpx.Client(base_url=url) as client:
        with pytest.raises(error):
            client.get("/api/assets/" + "0" * 8, headers={"x-api-key": "k"})
        # The next request gets a fresh connection and a real answer.
        assert client.get(VERSION).json()["major"] >= 2


def test_proxy_stalls_for_real(upstream: str) -> None:
    plan = FaultPlan(script=[Fault.STALL], stall=1.0)
    with FaultProxy(upstream, plan) as url, httpx.Client(base_url=url, timeout=0.2) as client:
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            client.get(VERSION)
        assert 0.2 <= time.perf_counter() - started < 1.0


def test_proxy_forwards_bodies_and_keeps_connections_alive(fake: FakeImmich, upstream: str) -> None:
    plan = FaultPlan(script=[Status(429, "date"), None, Fault.MALFORMED_JSON])
    headers = {"x-api-key": fake.api_key}
    with FaultProxy(upstream, plan) as url, httpx.Client(base_url=url, headers=headers) as client:
        limited = client.post("/api/albums", json={"albumName": "Trip"})
        assert limited.status_code == 429
        assert email.utils.parsedate_to_datetime(limited.headers["retry-after"])
        created = client.post("/api/albums", json={"albumName": "Trip"})
        assert created.status_code == 201
        assert created.json()["albumName"] == "Trip"
        broken = client.get(f"/api/albums/{created.json()['id']}")
        assert broken.status_code == 200
        assert broken.content == MALFORMED_JSON_BODY
    assert plan.requests == 3


def test_proxy_reads_chunked_request_bodies(fake: FakeImmich, upstream: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"albumName":'
        yield b' "Chunked"}'

    headers = {"x-api-key": fake.api_key, "content-type": "application/json"}
    with FaultProxy(upstream, FaultPlan()) as url, httpx.Client(base_url=url) as client:
        response = client.post("/api/albums", content=chunks(), headers=headers)
    assert response.status_code == 201
    assert response.json()["albumName"] == "Chunked"


def test_proxy_only_forwards_to_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy("http://192.0.2.1:2283", FaultPlan())
    with pytest.raises(ValueError, match="loopback"):
        FaultProxy("https://127.0.0.1:2283", FaultPlan())
    FaultProxy("http://localhost:2283", FaultPlan())
    FaultProxy("http://[::1]:2283", FaultPlan())


def test_proxy_listens_on_loopback_only(upstream: str) -> None:
    with FaultProxy(upstream, FaultPlan()) as url:
        assert url.startswith("http://127.0.0.1:")


def test_proxy_stops_by_itself(upstream: str) -> None:
    # Long enough for the first request on a busy machine, short beside the deadline.
    proxy = FaultProxy(upstream, FaultPlan(), lifetime=1.0)
    url = proxy.start()
    port = int(url.rsplit(":", 1)[1])
    assert httpx.get(url + VERSION).status_code == 200
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        probe = socket.socket()
        try:
            probe.connect(("127.0.0.1", port))
        except OSError:
            break
        finally:
            probe.close()
        time.sleep(0.05)
    else:
        pytest.fail("the proxy still accepts connections after its lifetime")
    proxy.stop()  # harmless when already stopped


def test_stopping_the_proxy_ends_a_stall_at_once(upstream: str) -> None:
    plan = FaultPlan(script=[Fault.STALL], stall=30.0)
    proxy = FaultProxy(upstream, plan)
    url = proxy.start()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(url + VERSION, timeout=10.0)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.2)
    started = time.perf_counter()
    proxy.stop()
    caller.join(timeout=5.0)
    assert not caller.is_alive()
    assert time.perf_counter() - started < 2.0
    assert len(errors) == 1


@pytest.mark.parametrize("mode", ["connect", "write"])
def test_silent_listeners_close_after_their_lifetime(mode: str) -> None:
    listener = SilentListener(mode, lifetime=0.1)  # type: ignore[arg-type]
    with listener as url:
        assert url.startswith("http://127.0.0.1:")
        time.sleep(0.3)
        assert listener._closed.is_set()
