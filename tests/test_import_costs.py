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


def test_an_async_client_imports_no_other_http_library() -> None:
    out = run(
        """
        import asyncio, json, socket, sys, immich
        listener = socket.create_server(("127.0.0.1", 0))
        async def go():
            url = f"http://127.0.0.1:{listener.getsockname()[1]}"
            async with immich.AsyncClient(url, api_key="k", timeout=0.2, max_retries=0) as client:
                try:
                    await client.server.get_server_version()
                except immich.APIError:  # accepted, never answered: a timeout
                    pass
        asyncio.run(go())
        names = ("aiohttp", "httpcore", "anyio", "h11")
        print(json.dumps({"loaded": [name for name in names if name in sys.modules]}))
        """
    )
    assert out["loaded"] == []


def test_uploads_and_downloads_of_either_client_import_no_other_http_library() -> None:
    out = run(
        """
        import asyncio, json, os, sys, tempfile, immich
        from immich.testing import FakeImmich, tiny_jpeg
        folder = tempfile.mkdtemp()
        for index in range(3):
            with open(os.path.join(folder, f"IMG_{index}.jpg"), "wb") as out:
                out.write(tiny_jpeg(index))
        fake = FakeImmich()
        with fake.serve() as url:
            with immich.Client(url, api_key=fake.api_key) as client:
                uploaded = len(client.upload(folder, hash_cache=False).uploaded)
            async def go():
                async with immich.AsyncClient(url, api_key=fake.api_key) as client:
                    ids = [a.id for a in (await client.search.search_assets()).assets.items]
                    return [len(await client.assets.download_asset(i)) for i in ids]
            sizes = asyncio.run(go())
        names = ("aiohttp", "httpcore", "anyio", "h11")
        print(json.dumps({
            "uploaded": uploaded,
            "downloaded": len(sizes),
            "loaded": [name for name in names if name in sys.modules],
        }))
        """
    )
    assert out == {"uploaded": 3, "downloaded": 3, "loaded": []}
