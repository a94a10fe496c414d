"""A transport wrapper for the bulk upload and download tests: it records every request on
its way to the fake server and lets a test answer (or fail) chosen ones itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

#: Answers a request instead of the server (a response), or lets it through (None).
Hook = Callable[[httpx.Request], "httpx.Response | None"]


class SimulatedCrash(BaseException):
    """Stands for Ctrl-C or a killed process: not an ``Exception``, like KeyboardInterrupt."""


class Recorder(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        hook: Hook | None = None,
        keep_bodies: bool = False,
    ) -> None:
        self.inner = inner
        self.hook = hook
        self.keep_bodies = keep_bodies
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.keep_bodies or self.hook is not None:
            await request.aread()
        self.requests.append(request)
        if self.hook is not None:
            answer = self.hook(request)
            if answer is not None:
                return answer
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        """The requests to ``/api`` + ``path``; a ``*`` in ``path`` matches one segment."""
        wanted = ("/api" + path).split("/")
        return [
            r
            for r in self.requests
            if r.method == method
            and len(parts := r.url.path.split("/")) == len(wanted)
            and all(w in ("*", p) for w, p in zip(wanted, parts, strict=True))
        ]

    @property
    def uploads(self) -> list[httpx.Request]:
        return self.sent("POST", "/assets")


def body_json(request: httpx.Request) -> Any:
    return json.loads(request.content)
