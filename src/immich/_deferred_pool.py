"""httpx's connection pool, made when first used rather than with the transport.

This package's transports subclass httpx's so that mocking libraries and every httpx
feature keep working, but they send most requests their own way (asyncio, http.client).
httpx's ``__init__`` imports httpcore and builds its pool: 20 ms of every client's
start, for a pool that plain calls never touch.
"""

from __future__ import annotations

from typing import Any


class DeferredPool:
    """Mixed in before ``httpx.HTTPTransport`` or ``httpx.AsyncHTTPTransport``: the
    subclass calls :meth:`_defer_pool` with httpx's options instead of its ``__init__``,
    which then runs the first time ``self._pool`` is read."""

    def _defer_pool(self, **options: Any) -> None:
        self.__dict__["_deferred_options"] = options

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set: ``_pool`` until httpx's __init__ has run.
        options = self.__dict__.get("_deferred_options")
        if name != "_pool" or options is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        del self.__dict__["_deferred_options"]
        super().__init__(**options)  # httpx's: sets self._pool
        return self.__dict__["_pool"]

    @property
    def pool_made(self) -> bool:
        """Whether httpx's pool exists (there is something to close)."""
        return "_pool" in self.__dict__
