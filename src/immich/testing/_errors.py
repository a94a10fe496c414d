"""The error bodies Immich answers with, raised from anywhere inside a route."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """Ends a request with Immich's error body: message, error (the status phrase), statusCode."""

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
        return {
            "message": self.message,
            "error": HTTPStatus(self.status).phrase,
            "statusCode": self.status,
            "correlationId": secrets.token_hex(4),
            **self.extra,
        }


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def no_access(permission: str) -> ApiError:
    """Immich's answer when ids in a request body are unknown or belong to someone else."""
    return ApiError(400, f"Not found or no {permission} access")


def not_implemented(operation_id: str) -> ApiError:
    return ApiError(501, f"FakeImmich does not implement {operation_id}", operationId=operation_id)
