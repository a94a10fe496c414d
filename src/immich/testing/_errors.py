"""The error bodies Immich answers with, raised from anywhere inside a route."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any


class ApiError(Exception):
    """Ends a request with Immich's error body: a message, and whatever else the error adds
    (zod's ``errors``). Immich 3 leaves out NestJS's ``error`` and ``statusCode``; its
    correlation id travels in a header."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Sequence[tuple[str, str]] = (),
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **self.extra}


def correlation_id() -> str:
    """Like the ``x-correlation-id`` Immich sends with every answer: 8 lowercase characters."""
    return secrets.token_hex(4)


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def no_access(permission: str) -> ApiError:
    """Immich's answer when ids in a request body are unknown or belong to someone else."""
    return ApiError(400, f"Not found or no {permission} access")


def not_implemented(operation_id: str) -> ApiError:
    return ApiError(501, f"FakeImmich does not implement {operation_id}", operationId=operation_id)
