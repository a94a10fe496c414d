"""One request in, one response out: routing, authentication, admin checks and errors."""

from __future__ import annotations

import sys
import traceback

from ._auth import authenticate
from ._errors import ApiError, correlation_id, not_implemented
from ._http import FakeRequest, FakeResponse, json_response
from ._router import Call, Route, RouteTable
from ._routes import IMPLEMENTED_ROUTES
from ._state import FakeState
from ._unimplemented import UNIMPLEMENTED_OPERATIONS

API_PREFIX = "/api"
WELL_KNOWN_PATH = "/.well-known/immich"


def build_route_table() -> RouteTable:
    unimplemented = (
        Route(method, template, operation_id)
        for method, template, operation_id in UNIMPLEMENTED_OPERATIONS
    )
    return RouteTable([*IMPLEMENTED_ROUTES, *unimplemented])


class Dispatcher:
    """Turns every failure into Immich's error body; HEAD is answered as GET without a body."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.routes = build_route_table()

    def handle(self, request: FakeRequest) -> FakeResponse:
        with self.state.lock:
            # Background jobs that came due since the last request run first, as they
            # would have meanwhile on a real server.
            self.state.queues.run_due()
        try:
            response = self._route(request)
        except ApiError as error:
            response = json_response(error.status, error.body(), error.headers)
        except Exception as error:
            # A bug in the fake: say so loudly rather than pass for a server-side failure.
            traceback.print_exc(file=sys.stderr)
            body = ApiError(500, f"FakeImmich failed: {error!r}").body()
            response = json_response(500, body)
        response.headers.append(("x-correlation-id", correlation_id()))
        if request.method == "HEAD":
            length = response.length
            response.close()
            response = FakeResponse(response.status, response.headers, b"", content_length=length)
        return response

    def _route(self, request: FakeRequest) -> FakeResponse:
        method = "GET" if request.method == "HEAD" else request.method
        if request.path == WELL_KNOWN_PATH and method == "GET":
            return json_response(200, {"api": {"endpoint": API_PREFIX}})
        found = None
        if request.path.startswith(API_PREFIX + "/"):
            found = self.routes.find(method, request.path[len(API_PREFIX) :])
        if found is None:
            raise ApiError(404, f"Cannot {request.method} {request.path}")
        route, params = found
        # Before authentication, so a missing feature never passes for a credentials problem.
        if route.handler is None:
            raise not_implemented(route.operation_id)
        call = Call(request, self.state, params)
        if not route.holds_lock:
            with self.state.lock:
                self._authorize(route, call)
            return route.handler(call)
        with self.state.lock:
            self._authorize(route, call)
            return route.handler(call)

    def _authorize(self, route: Route, call: Call) -> None:
        if route.public:
            return
        call.auth = authenticate(call.request, self.state)
        if route.admin_only and not call.auth.user.is_admin:
            raise ApiError(403, "Forbidden")
        if call.auth.shared_link is not None and not route.shared_link:
            raise ApiError(403, "Forbidden")
