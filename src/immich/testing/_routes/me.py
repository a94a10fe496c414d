"""The caller's own settings and sessions: ``/users/me/*``, ``/sessions``, ``/auth/status``."""

from __future__ import annotations

from typing import Any

from .._errors import bad_request, no_access, not_found
from .._http import FakeResponse, empty_response, json_response
from .._router import Call, RouteGroup
from .._state import Session
from .._wire import format_datetime

routes = RouteGroup()

# A new user's preferences in Immich 3.0.3.
DEFAULT_PREFERENCES: dict[str, Any] = {
    "albums": {"defaultAssetOrder": "desc"},
    "folders": {"enabled": False, "sidebarWeb": False},
    "memories": {"enabled": True, "duration": 5},
    "people": {"enabled": True, "sidebarWeb": False, "minimumFaces": 3},
    "sharedLinks": {"enabled": True, "sidebarWeb": False},
    "ratings": {"enabled": False},
    "tags": {"enabled": False, "sidebarWeb": False},
    "emailNotifications": {"enabled": True, "albumInvite": True, "albumUpdate": True},
    "download": {"archiveSize": 4 * 1024**3, "includeEmbeddedVideos": False},
    "purchase": {"showSupportBadge": True, "hideBuyButtonUntil": "2022-02-12T00:00:00.000Z"},
    "cast": {"gCastEnabled": False},
    "recentlyAdded": {"sidebarWeb": False},
}


@routes.get("/users/me/preferences", "getMyPreferences")
def get_my_preferences(call: Call) -> FakeResponse:
    return json_response(200, DEFAULT_PREFERENCES)


@routes.get("/users/me/onboarding", "getUserOnboarding")
def get_user_onboarding(call: Call) -> FakeResponse:
    return json_response(200, {"isOnboarded": False})


@routes.get("/users/me/license", "getUserLicense")
def get_user_license(call: Call) -> FakeResponse:
    raise not_found("Not Found")  # no licence was ever set


@routes.get("/auth/status", "getAuthStatus")
def get_auth_status(call: Call) -> FakeResponse:
    return json_response(200, {"pinCode": False, "password": True, "isElevated": False})


@routes.get("/sessions", "getSessions")
def get_sessions(call: Call) -> FakeResponse:
    current = call.auth.session if call.auth else None
    sessions = sorted(
        (item for item in call.state.sessions.values() if item.user_id == call.user.id),
        key=lambda item: item.created_at,
        reverse=True,
    )
    return json_response(200, [_session_dto(item, current) for item in sessions])


def _session_dto(item: Session, current: Session | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "createdAt": format_datetime(item.created_at),
        "updatedAt": format_datetime(item.created_at),
        "current": current is not None and item.id == current.id,
        "appVersion": None,
        "deviceOS": item.device_os,
        "deviceType": item.device_type,
        "isPendingSyncReset": item.is_pending_sync_reset,
    }


def _own_session(call: Call) -> Session:
    session = call.state.sessions.get(call.path_id())
    if session is None or session.user_id != call.user.id:
        raise no_access("session.update")
    return session


@routes.put("/sessions/{id}", "updateSession")
def update_session(call: Call) -> FakeResponse:
    fields = call.json()
    session = _own_session(call)
    pending = fields.boolean("isPendingSyncReset")
    if pending is None:
        raise bad_request("No fields to update")
    session.is_pending_sync_reset = pending
    return json_response(200, _session_dto(session, None))


@routes.delete("/sessions/{id}", "deleteSession")
def delete_session(call: Call) -> FakeResponse:
    session = _own_session(call)
    del call.state.sessions[session.id]
    return empty_response()
