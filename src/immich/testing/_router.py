"""Routes: how a handler is declared, what it receives, and how a request path finds it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._errors import ApiError, bad_request
from ._http import FakeRequest, FakeResponse
from ._state import ApiKey, FakeState, Session, SharedLink, User
from ._validation import JsonFields, invalid_uuid_parameter, query_choice, query_flag
from ._wire import is_uuid
from ._zod import invalid_type, validation_failed


@dataclass(frozen=True)
class Auth:
    user: User
    api_key: ApiKey | None = None
    session: Session | None = None
    # A shared link's visitor acts as the link's owner, within what the link shows.
    shared_link: SharedLink | None = None


@dataclass
class Call:
    """One request as a handler sees it."""

    request: FakeRequest
    state: FakeState
    params: dict[str, str]
    auth: Auth | None = None
    _json: Any = field(default=None, repr=False)

    @property
    def user(self) -> User:
        if self.auth is None:
            raise ApiError(401, "Authentication required")
        return self.auth.user

    def path_id(self, name: str = "id") -> str:
        value = self.params[name]
        if not is_uuid(value):
            raise invalid_uuid_parameter(name)
        return value

    def json(self) -> JsonFields:
        if self._json is None:
            try:
                raw = self.request.read_body()
                self._json = json.loads(raw) if raw.strip() else {}
            except (ValueError, UnicodeDecodeError) as error:
                raise bad_request(f"Invalid JSON body: {error}") from None
        return JsonFields(self._json)

    def query(self, name: str) -> str | None:
        return self.request.query_value(name)

    def query_list(self, name: str) -> list[str]:
        """Array parameters arrive repeated (``?ids=a&ids=b``). Given once, Immich 3 takes
        the value for a string, which the array's schema refuses."""
        values = self.request.query_values(name)
        if len(values) == 1:
            raise validation_failed(invalid_type((name,), "array", values[0]))
        return values

    def query_uuid(self, name: str) -> str | None:
        value = self.query(name)
        if value is not None and not is_uuid(value):
            raise invalid_uuid_parameter(name)
        return value

    def query_bool(self, name: str) -> bool | None:
        return query_flag(self.query(name), name)

    def query_choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        return query_choice(self.query(name), name, allowed)


Handler = Callable[[Call], FakeResponse]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    # None marks an operation of the spec that the fake answers with 501.
    handler: Handler | None = None
    public: bool = False
    admin_only: bool = False
    # Open to a shared link's visitors (``?key=`` or ``?slug=``); other routes refuse them.
    shared_link: bool = False
    # Handlers that stream a request body take the state lock themselves, for less time.
    holds_lock: bool = True

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.template.strip("/").split("/"))


class RouteGroup:
    """Collects a module's routes through decorators named after the HTTP methods."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def _add(
        self,
        method: str,
        template: str,
        operation_id: str,
        *,
        public: bool = False,
        admin_only: bool = False,
        shared_link: bool = False,
        holds_lock: bool = True,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(
                Route(
                    method,
                    template,
                    operation_id,
                    handler,
                    public=public,
                    admin_only=admin_only,
                    shared_link=shared_link,
                    holds_lock=holds_lock,
                )
            )
            return handler

        return register

    def get(self, template: str, operation_id: str, **flags: bool) -> Callable[[Handler], Handler]:
        return self._add("GET", template, operation_id, **flags)

    def post(self, template: str, operation_id: str, **flags: bool) -> Callable[[Handler], Handler]:
        return self._add("POST", template, operation_id, **flags)

    def put(self, template: str, operation_id: str, **flags: bool) -> Callable[[Handler], Handler]:
        return self._add("PUT", template, operation_id, **flags)

    def patch(
        self, template: str, operation_id: str, **flags: bool
    ) -> Callable[[Handler], Handler]:
        return self._add("PATCH", template, operation_id, **flags)

    def delete(
        self, template: str, operation_id: str, **flags: bool
    ) -> Callable[[Handler], Handler]:
        return self._add("DELETE", template, operation_id, **flags)


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)
        self._by_length: dict[int, list[Route]] = {}
        for route in self.routes:
            self._by_length.setdefault(len(route.segments), []).append(route)
        # Literal segments win over parameters, leftmost first, as in Immich's router
        # (``/assets/statistics`` before ``/assets/{id}``).
        for candidates in self._by_length.values():
            candidates.sort(
                key=lambda route: [segment.startswith("{") for segment in route.segments]
            )

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        segments = path.strip("/").split("/")
        for route in self._by_length.get(len(segments), []):
            if route.method != method:
                continue
            params = _match(route.segments, segments)
            if params is not None:
                return route, params
        return None


def _match(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for expected, actual in zip(template, segments, strict=True):
        if expected.startswith("{") and expected.endswith("}"):
            if not actual:
                return None
            params[expected[1:-1]] = actual
        elif expected != actual:
            return None
    return params
