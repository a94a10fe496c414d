"""What a short run imports: only what its calls need (start-up is most of a short run)."""

from __future__ import annotations

import json

from tests.helpers import run_python


def run(code: str) -> dict[str, object]:
    """What ``code``, run in a fresh interpreter, printed last: a JSON object."""
    result: dict[str, object] = json.loads(run_python(code).splitlines()[-1])
    return result


def test_a_call_through_a_group_imports_only_the_models_it_uses() -> None:
    out = run(
        """
        import asyncio, json, sys, immich
        from immich.testing import FakeImmich
        fake = FakeImmich()
        async def go():
            async with immich.AsyncClient(
                "http://fake", api_key=fake.api_key, transport=fake.async_transport()
            ) as client:
                return (await client.server.get_server_version()).major
        major = asyncio.run(go())
        models = sorted(m for m in sys.modules if m.startswith("immich.models."))
        print(json.dumps({"major": major, "models": models}))
        """
    )
    assert out["major"] == 3
    assert "immich.models.server_version_response_dto" in out["models"]  # type: ignore[operator]
    # Not the group's others (about, config, features, ...): each costs an attrs class.
    assert "immich.models.server_about_response_dto" not in out["models"]  # type: ignore[operator]
    assert "immich.models.server_config_dto" not in out["models"]  # type: ignore[operator]


def test_building_and_closing_clients_imports_no_transport_library() -> None:
    """A script that builds a client it may not use, or an AsyncClient that has not sent
    yet, pays for neither aiohttp nor (for AsyncClient) httpcore."""
    out = run(
        """
        import asyncio, json, sys, immich
        async def go():
            async with immich.AsyncClient("http://127.0.0.1:9", api_key="k"):
                pass
        asyncio.run(go())
        names = ("aiohttp", "httpcore")
        print(json.dumps({"loaded": [name for name in names if name in sys.modules]}))
        """
    )
    assert out["loaded"] == []


def test_each_client_sends_through_its_transport() -> None:
    """AsyncClient over aiohttp (imported on its first request), Client over httpx's own
    transport, which never needs aiohttp."""
    out = run(
        """
        import asyncio, json, sys, immich
        from immich.testing import FakeImmich
        fake = FakeImmich()
        loaded = {}
        with fake.serve() as url:
            with immich.Client(url, api_key=fake.api_key) as client:
                client.server.get_server_version()
                loaded["sync"] = "aiohttp" in sys.modules
                sync_transport = type(client.http_client._transport).__name__
            async def go():
                async with immich.AsyncClient(url, api_key=fake.api_key) as client:
                    await client.server.get_server_version()
                    return type(client.http_client._transport).__name__
            async_transport = asyncio.run(go())
        loaded["async"] = "aiohttp" in sys.modules
        print(json.dumps({"loaded": loaded, "transports": [sync_transport, async_transport]}))
        """
    )
    assert out == {
        "loaded": {"sync": False, "async": True},
        "transports": ["HTTPTransport", "AiohttpTransport"],
    }


def test_a_blocking_client_imports_no_asyncio() -> None:
    """``import immich`` and a ``Client``: what a short script pays before its first call
    leaves out asyncio and aiohttp, the async client's."""
    out = run(
        """
        import json, sys, immich
        immich.Client("http://127.0.0.1:9", api_key="k").close()
        names = ("asyncio", "aiohttp")
        print(json.dumps({"loaded": [name for name in names if name in sys.modules]}))
        """
    )
    assert out["loaded"] == []
