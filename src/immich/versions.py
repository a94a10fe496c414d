"""Which Immich server releases this SDK speaks to.

The SDK is generated from the API of ``immich.API_VERSION``. Servers from
:data:`OLDEST_SUPPORTED` on are supported: a method the spec marks as added in a later
release raises :class:`immich.UnsupportedByServerError` on an older server before any
request is sent, and response fields added later are optional in the models (``UNSET``
when an older server leaves them out). Newer servers work too: fields the SDK does not
know are ignored and enum values it does not know are kept.
"""

from __future__ import annotations

OLDEST_SUPPORTED: tuple[int, int, int] = (2, 4, 0)
