"""Who is calling: an API key (``x-api-key``), or a login session's token given as a bearer
token or the ``immich_access_token`` cookie."""

from __future__ import annotations

from ._errors import ApiError
from ._http import FakeRequest
from ._router import Auth
from ._state import FakeState

ACCESS_TOKEN_COOKIE = "immich_access_token"


def authenticate(request: FakeRequest, state: FakeState) -> Auth:
    api_key_secret = request.headers.get("x-api-key")
    if api_key_secret is not None:
        api_key = state.api_key_by_secret(api_key_secret)
        if api_key is None or api_key.user_id not in state.users:
            raise ApiError(401, "Invalid API key")
        return Auth(state.users[api_key.user_id], api_key=api_key)

    token = _bearer_token(request) or request.cookie(ACCESS_TOKEN_COOKIE)
    if token:
        session = state.session_by_token(token)
        if session is None or session.user_id not in state.users:
            raise ApiError(401, "Invalid user token")
        return Auth(state.users[session.user_id], session=session)

    raise ApiError(401, "Authentication required")


def _bearer_token(request: FakeRequest) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None
