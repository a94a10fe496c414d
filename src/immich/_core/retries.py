"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import email.utils
import random
import time

import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
# A server asking for a longer pause than this is not waited for.
MAX_RETRY_AFTER = 60.0


def should_retry(response: httpx.Response) -> bool:
    return response.status_code in RETRY_STATUSES


def retry_delay(attempt: int, response: httpx.Response | None = None) -> float:
    """Seconds before retry number ``attempt + 1``: the server's ``Retry-After`` if it
    gave a usable one, else exponential backoff with jitter."""
    if response is not None:
        advised = retry_after(response.headers)
        if advised is not None:
            return advised
    delay: float = min(INITIAL_DELAY * 2**attempt, MAX_DELAY)
    return delay * (1 - 0.25 * random.random())


def retry_after(headers: httpx.Headers) -> float | None:
    if (millis := headers.get("retry-after-ms")) is not None:
        try:
            return _usable(float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _usable(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (ValueError, TypeError):
        return None
    return _usable(when.timestamp() - time.time())


def _usable(seconds: float) -> float | None:
    if seconds != seconds or seconds > MAX_RETRY_AFTER:  # NaN or too long: back off instead
        return None
    return max(seconds, 0.0)
