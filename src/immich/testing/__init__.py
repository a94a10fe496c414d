"""A fake Immich server for tests and benchmarks.

``FakeImmich`` keeps users, assets, albums, tags, trash, external libraries and job queues in
memory and answers Immich's REST API (3.0.3) in its JSON wire format, either in-process
through httpx transports or on a loopback socket. It depends only on the standard library
and httpx.
"""

from __future__ import annotations

from ._fake import FakeImmich
from ._jpeg import tiny_jpeg

__all__ = ["FakeImmich", "tiny_jpeg"]
