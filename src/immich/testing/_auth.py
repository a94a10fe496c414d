"""Who is calling, in Immich's order: a shared link's key or slug (``?key=``, ``?slug=`` or
their headers), then a login session's token (bearer, cookie or header), then an API key."""

from __future__ import annotations

from ._errors import ApiError
from ._http import FakeRequest
from ._router import Auth
from ._state import FakeState, SharedLink
from ._wire import utc_now

ACCESS_TOKEN_COOKIE = "immich_access_token"


def authenticate(request: FakeRequest, state: FakeState) -> Auth:
    share_key = request.headers.get("x-immich-share-key") or request.query_value("key")
    if share_key:
        link = next((item for item in state.shared_links.values() if item.key == share_key), None)
        return _shared_link_auth(state, link, "Invalid share key")
    share_slug = request.headers.get("x-immich-share-slug") or request.query_value("slug")
    if share_slug:
        link = next((item for item in state.shared_links.values() if item.slug == share_slug), None)
        return _shared_link_auth(state, link, "Invalid share slug")

    token = (
        request.headers.get("x-immich-user-token")
        or request.headers.get("x-immich-session-token")
        or request.query_value("sessionKey")
        or _bearer_token(request)
        or request.cookie(ACCESS_TOKEN_COOKIE)
    )
    if token:
        session = state.session_by_token(token)
        if session is None or session.user_id not in state.users:
            raise ApiError(401, "Invalid user token")
        return Auth(state.users[session.user_id], session=session)

    api_key_secret = request.headers.get("x-api-key") or request.query_value("apiKey")
    if api_key_secret:
        api_key = state.api_key_by_secret(api_key_secret)
        if api_key is None or api_key.user_id not in state.users:
            raise ApiError(401, "Invalid API key")
        return Auth(state.users[api_key.user_id], api_key=api_key)

    raise ApiError(401, "Authentication required")


def _shared_link_auth(state: FakeState, link: SharedLink | None, message: str) -> Auth:
    if link is None or link.user_id not in state.users or not link.is_valid(utc_now()):
        raise ApiError(401, message)
    return Auth(state.users[link.user_id], shared_link=link)


def _bearer_token(request: FakeRequest) -> str | None:
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None
