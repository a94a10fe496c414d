"""httpx's error for a failure in each phase of an exchange, as the package's transports
raise them: which phase matters, since only a failure before the request left
(connecting) is safe to retry for a POST, so a connection the server closed or reset
later must never look like a connect failure."""

from __future__ import annotations

import httpx

TIMEOUTS: dict[str, type[httpx.TimeoutException]] = {
    "connect": httpx.ConnectTimeout,
    "write": httpx.WriteTimeout,
    "read": httpx.ReadTimeout,
}
ERRORS: dict[str, type[httpx.TransportError]] = {
    "connect": httpx.ConnectError,
    "write": httpx.WriteError,
    "read": httpx.ReadError,
}


class WriteFailed(Exception):
    """Sending on a connection failed; the cause says how. Raised instead of the cause
    so that a failure to read the body being sent (an upload's file) is not taken for
    the connection's."""
