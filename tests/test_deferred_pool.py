"""httpx's connection pool is made when first needed, not with every client."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from immich._httpclient import HTTPClientTransport
from tests.helpers import run_python


def test_building_and_closing_a_client_leaves_httpcore_unimported() -> None:
    out = run_python(
        """
        import asyncio, sys, immich
        with immich.Client("http://127.0.0.1:9", api_key="k"):
            pass
        async def go():
            async with immich.AsyncClient("http://127.0.0.1:9", api_key="k"):
                pass
        asyncio.run(go())
        print("httpcore" in sys.modules)
        """
    )
    assert out == "False"


def test_the_pool_is_made_on_first_use_and_closed() -> None:
    transport = HTTPClientTransport(verify=False)
    assert not transport.pool_made
    pool = transport._pool
    assert transport.pool_made
    assert transport._pool is pool
    transport.close()
    assert pool.connections == []


def test_closing_an_unused_transport_makes_no_pool() -> None:
    transport = HTTPClientTransport()
    with transport:
        pass
    transport.close()
    assert transport.pool_made  # entered: httpx's __enter__ enters the pool
    unused = HTTPClientTransport()
    unused.close()
    assert not unused.pool_made


def test_other_missing_attributes_still_raise() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        HTTPClientTransport().nothing  # type: ignore[attr-defined]  # noqa: B018


def test_streams_go_through_the_pool_it_makes() -> None:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-length", "10")
            self.end_headers()
            self.wfile.write(b"0123456789")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        transport = HTTPClientTransport()
        url = f"http://127.0.0.1:{server.server_port}/"
        with httpx.Client(transport=transport) as client, client.stream("GET", url) as response:
            assert response.read() == b"0123456789"
        assert transport.pool_made
    finally:
        server.shutdown()
