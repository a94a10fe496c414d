"""What the client needs to know about one endpoint; the generated table holds 254 of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from immich._core.naming import snake_case

BodyEncoding = Literal["json", "multipart", "form"]
ResponseKind = Literal["json", "jsonlines", "binary", "text", "empty"]
State = Literal["Stable", "Beta", "Alpha", "Deprecated", "Internal"]

# Methods that may be sent twice without a second effect.
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@attrs.frozen
class Operation:
    operation_id: str
    method: str
    path: str
    response: ResponseKind = "json"
    body: BodyEncoding | None = None
    success: tuple[int, ...] = (200,)
    #: The server release that added it, e.g. ``(2, 5, 0)``.
    since: tuple[int, int, int] = (1, 0, 0)
    state: State | None = None
    deprecated: bool = False
    #: The API-key permission the server checks, e.g. ``"album.read"``.
    permission: str | None = None
    admin_only: bool = False
    #: A read-only POST (a search, a check) that can be repeated like a GET.
    read_only: bool = False
    #: A header that makes a repeat harmless (the server dedupes by it), e.g. a checksum.
    dedupe_header: str | None = None
    #: Its requests differ between server releases (``immich._core.version_table``): the
    #: client learns the server's version before sending one.
    varies: bool = False

    @property
    def name(self) -> str:
        """The Python method name, ``get_all_albums``."""
        return snake_case(self.operation_id)

    def is_retry_safe(self, headers: Mapping[str, str] | None) -> bool:
        if self.method in _IDEMPOTENT_METHODS or self.read_only:
            return True
        return bool(self.dedupe_header and headers and headers.get(self.dedupe_header))

    @property
    def since_version(self) -> str:
        return ".".join(map(str, self.since))
