"""``/auth/*``: password login into a session, logout, token validation."""

from __future__ import annotations

import secrets

from .._auth import ACCESS_TOKEN_COOKIE
from .._errors import ApiError
from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .._state import Session
from .._wire import new_secret

routes = RouteGroup()

_COOKIE_ATTRIBUTES = "Path=/; SameSite=Lax"


@routes.post("/auth/login", "login", public=True)
def login(call: Call) -> FakeResponse:
    fields = call.json()
    email = fields.required_string("email")
    password = fields.required_string("password")
    user = call.state.user_by_email(email)
    if user is None or not secrets.compare_digest(user.password, password):
        raise ApiError(401, "Incorrect email or password")
    # What Immich records of the device when the user agent says nothing it knows.
    session = Session(
        user_id=user.id,
        token=new_secret(),
        device_type=call.request.headers.get("devicemodel", ""),
        device_os=call.request.headers.get("devicetype", ""),
    )
    call.state.sessions[session.id] = session
    body = {
        "accessToken": session.token,
        "userId": user.id,
        "userEmail": user.email,
        "name": user.name,
        "isAdmin": user.is_admin,
        "isOnboarded": True,
        "profileImagePath": "",
        "shouldChangePassword": user.should_change_password,
    }
    cookies = [
        ("set-cookie", f"{ACCESS_TOKEN_COOKIE}={session.token}; HttpOnly; {_COOKIE_ATTRIBUTES}"),
        ("set-cookie", f"immich_auth_type=password; HttpOnly; {_COOKIE_ATTRIBUTES}"),
        ("set-cookie", f"immich_is_authenticated=true; {_COOKIE_ATTRIBUTES}"),
    ]
    return json_response(201, body, cookies)


@routes.post("/auth/logout", "logout")
def logout(call: Call) -> FakeResponse:
    session = call.auth.session if call.auth else None
    if session is not None:
        call.state.sessions.pop(session.id, None)
    expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    cookies = [
        ("set-cookie", f"{name}=; {expired}; {_COOKIE_ATTRIBUTES}")
        for name in (ACCESS_TOKEN_COOKIE, "immich_auth_type", "immich_is_authenticated")
    ]
    return json_response(
        200, {"successful": True, "redirectUri": "/auth/login?autoLaunch=0"}, cookies
    )


@routes.post("/auth/validateToken", "validateAccessToken")
def validate_access_token(call: Call) -> FakeResponse:
    return json_response(200, {"authStatus": True})
