from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    """Checks Immich's error body shape and returns it."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["statusCode"] == status
    assert body["error"] == error
    assert isinstance(body["message"], str)
    assert isinstance(body["correlationId"], str)
    return body
