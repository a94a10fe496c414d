"""Signing in: API keys, password sessions (bearer token and cookie), and the calls the
official CLI makes to log in."""

from __future__ import annotations

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error


def test_api_key_signs_in(api: Api, fake: FakeImmich) -> None:
    me = api.get("/users/me")
    assert me.status_code == 200
    assert me.json()["email"] == fake.admin_email
    assert me.json()["isAdmin"] is True
    assert me.json()["id"] == fake.admin["id"]

    key = api.get("/api-keys/me")
    assert key.status_code == 200
    assert key.json()["permissions"] == ["all"]


def test_missing_or_wrong_key_is_401(api: Api) -> None:
    body = assert_error(api.as_key(None).get("/users/me"), 401, "Unauthorized")
    assert body["message"] == "Authentication required"
    body = assert_error(api.as_key("not-the-key").get("/users/me"), 401, "Unauthorized")
    assert body["message"] == "Invalid API key"
    assert_error(
        api.as_key(None).get("/users/me", headers={"authorization": "Bearer nope"}),
        401,
        "Unauthorized",
    )


def test_password_login_gives_a_session(api: Api, fake: FakeImmich) -> None:
    anonymous = api.as_key(None)
    wrong = anonymous.post("/auth/login", json={"email": fake.admin_email, "password": "wrong"})
    assert_error(wrong, 401, "Unauthorized")

    login = anonymous.post(
        "/auth/login", json={"email": fake.admin_email, "password": fake.admin_password}
    )
    assert login.status_code == 201
    token = login.json()["accessToken"]
    assert login.json()["userEmail"] == fake.admin_email
    assert any(
        cookie.startswith(f"immich_access_token={token}")
        for cookie in login.headers.get_list("set-cookie")
    )

    bearer = {"authorization": f"Bearer {token}"}
    cookie = {"cookie": f"immich_is_authenticated=true; immich_access_token={token}"}
    assert anonymous.get("/users/me", headers=bearer).json()["email"] == fake.admin_email
    assert anonymous.get("/users/me", headers=cookie).status_code == 200
    validated = anonymous.post("/auth/validateToken", headers=bearer)
    assert validated.json() == {"authStatus": True}

    logout = anonymous.post("/auth/logout", headers=bearer)
    assert logout.status_code == 200
    assert logout.json()["successful"] is True
    assert_error(anonymous.get("/users/me", headers=bearer), 401, "Unauthorized")


def test_public_routes_need_no_credentials(api: Api) -> None:
    anonymous = api.as_key(None)
    assert anonymous.get("/server/ping").json() == {"res": "pong"}
    assert anonymous.get("/server/version").json() == {
        "major": 3,
        "minor": 0,
        "patch": 3,
        "prerelease": None,
    }
    assert ".jpg" in anonymous.get("/server/media-types").json()["image"]
    assert anonymous.get("/server/features").json()["trash"] is True
    assert anonymous.get("/server/config").status_code == 200
    assert_error(anonymous.get("/server/about"), 401, "Unauthorized")


def test_cli_login_discovers_the_api(api: Api, fake: FakeImmich) -> None:
    """What `immich login URL KEY` does: discovery, then the key's user and key."""
    discovery = api.as_key(None).get(api.root + "/.well-known/immich")
    assert discovery.status_code == 200
    assert discovery.json() == {"api": {"endpoint": "/api"}}
    assert api.get("/api-keys/me").status_code == 200
    assert api.get("/users/me").json()["email"] == fake.admin_email
    media_types = api.get("/server/media-types").json()
    assert ".mp4" in media_types["video"]
    assert media_types["sidecar"] == [".xmp"]


def test_users_created_by_helper_and_by_admin_api(api: Api, fake: FakeImmich) -> None:
    user_id, key = fake.create_user(email="ann@example.com", name="Ann")
    ann = api.as_key(key)
    assert ann.get("/users/me").json()["id"] == user_id
    assert ann.get("/users/me").json()["isAdmin"] is False

    created = api.post(
        "/admin/users",
        json={"email": "bob@example.com", "name": "Bob", "password": "hunter2"},
    )
    assert created.status_code == 201
    login = api.as_key(None).post(
        "/auth/login", json={"email": "bob@example.com", "password": "hunter2"}
    )
    assert login.json()["userId"] == created.json()["id"]
    emails = {user["email"] for user in api.get("/users").json()}
    assert emails == {fake.admin_email, "ann@example.com", "bob@example.com"}
