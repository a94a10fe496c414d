"""A typed Python SDK for the Immich photo server, with blocking and async clients.

>>> from immich import Client
>>> with Client() as client:        # IMMICH_URL and IMMICH_API_KEY from the environment
...     client.server.get_server_version()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from immich._config import InsecureTransportWarning
from immich._core.types import UNSET, FileInput, Unset
from immich._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    FieldError,
    ImmichError,
    IncompleteDownloadError,
    InternalServerError,
    NameLookupError,
    NotFoundError,
    NotFoundOrNoAccessError,
    PermissionDeniedError,
    QueuePausedError,
    RateLimitError,
    RedirectError,
    RequestTooLargeError,
    UnprocessableEntityError,
    UnsupportedByServerError,
    WaitTimeoutError,
)
from immich._version import __version__

if TYPE_CHECKING:
    import cattrs

    from immich._async._client import AsyncClient
    from immich._core.response import APIResponse
    from immich._core.sync import SyncEvent
    from immich._sync._client import Client
    from immich._transfer.progress import Progress
    from immich._transfer.results import DownloadResult, MirrorResult, UploadResult
    from immich._transfer.waiting import (
        JobResult,
        LibraryScanResult,
        ProcessedAssets,
        WaitProgress,
    )

    converter: cattrs.Converter
    API_VERSION: str

# Loaded on first use: the clients pull in httpx and the converter pulls in cattrs.
_LAZY = {
    "AsyncClient": ("immich._async._client", "AsyncClient"),
    "Client": ("immich._sync._client", "Client"),
    "APIResponse": ("immich._core.response", "APIResponse"),
    "converter": ("immich._core.converter", "converter"),
    "DownloadResult": ("immich._transfer.results", "DownloadResult"),
    "MirrorResult": ("immich._transfer.results", "MirrorResult"),
    "SyncEvent": ("immich._core.sync", "SyncEvent"),
    "Progress": ("immich._transfer.progress", "Progress"),
    "UploadResult": ("immich._transfer.results", "UploadResult"),
    "JobResult": ("immich._transfer.waiting", "JobResult"),
    "LibraryScanResult": ("immich._transfer.waiting", "LibraryScanResult"),
    "ProcessedAssets": ("immich._transfer.waiting", "ProcessedAssets"),
    "WaitProgress": ("immich._transfer.waiting", "WaitProgress"),
    "API_VERSION": ("immich._core.operations", "API_VERSION"),
}

__all__ = [
    "API_VERSION",
    "UNSET",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "DownloadResult",
    "FieldError",
    "FileInput",
    "ImmichError",
    "InsecureTransportWarning",
    "IncompleteDownloadError",
    "NameLookupError",
    "InternalServerError",
    "JobResult",
    "LibraryScanResult",
    "MirrorResult",
    "NotFoundError",
    "NotFoundOrNoAccessError",
    "PermissionDeniedError",
    "ProcessedAssets",
    "Progress",
    "QueuePausedError",
    "RateLimitError",
    "RedirectError",
    "RequestTooLargeError",
    "SyncEvent",
    "UnprocessableEntityError",
    "Unset",
    "UploadResult",
    "UnsupportedByServerError",
    "WaitProgress",
    "WaitTimeoutError",
    "__version__",
    "converter",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'immich' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
