from __future__ import annotations

from typing import Any

import httpx


def assert_error(response: httpx.Response, status: int, error: str = "") -> dict[str, Any]:
    """Checks Immich 3's error answer and returns its body: a message (zod's validation
    failures add ``errors``), and the correlation id in a header. ``error``, the status
    phrase that older servers put in the body, is no longer checked."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) <= {"message", "errors", "operationId"}, body
    assert isinstance(body["message"], str)
    assert len(response.headers["x-correlation-id"]) == 8
    return body


def assert_unreadable(response: httpx.Response) -> None:
    """Immich's answers for an id the caller may not see (or that does not exist): 400 "Not
    found or no <permission> access" from JSON routes, a bare 404 from file routes."""
    if response.status_code == 404:
        assert assert_error(response, 404)["message"] == "Not Found"
        return
    message = assert_error(response, 400)["message"]
    assert message.startswith("Not found or no "), message
    assert message.endswith(" access"), message
