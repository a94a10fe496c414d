"""Password login on the real server: the session token replaces the API key, opens the
endpoints that refuse API keys (``sync``), and is gone after logout."""

from __future__ import annotations

import datetime

import pytest

import immich
from immich import UNSET, Client
from tests.e2e.server import Account, Server


def test_login_sync_logout(anonymous: Client, account: Account) -> None:
    anonymous.login(account.email, account.password)
    assert "auth='access_token'" in repr(anonymous)
    me = anonymous.users.get_my_user()
    assert me.id == account.id

    # The sync endpoints want a session; with one they answer.
    acks = anonymous.sync.get_sync_ack()
    assert isinstance(acks, list)
    status = anonymous.auth.validate_access_token()
    assert status.auth_status is True
    sessions = anonymous.sessions.get_sessions()
    current = [s for s in sessions if s.current]
    assert len(current) == 1
    # Timestamps the spec types as strings decode as aware datetimes (codegen/corrections.py).
    (mine,) = current
    assert mine.created_at.tzinfo is not None
    assert mine.updated_at >= mine.created_at
    child = anonymous.sessions.create_session(device_type="e2e", duration=3600)
    assert isinstance(child.expires_at, datetime.datetime)
    assert datetime.timedelta(minutes=59) < child.expires_at - child.created_at
    assert child.expires_at - child.created_at <= datetime.timedelta(hours=1, seconds=5)
    auth = anonymous.auth.get_auth_status()
    assert auth.expires_at is UNSET or isinstance(auth.expires_at, datetime.datetime)
    anonymous.sessions.delete_session(child.id)

    out = anonymous.auth.logout()
    assert out.successful is True
    with pytest.raises(immich.AuthenticationError) as after:
        anonymous.sync.get_sync_ack()
    assert after.value.server_message == "Invalid user token"


def test_an_api_key_cannot_sync(client: Client) -> None:
    with pytest.raises(immich.PermissionDeniedError) as refused:
        client.sync.get_sync_ack()
    assert refused.value.status_code == 403


def test_wrong_password(anonymous: Client, account: Account) -> None:
    wrong = account.password + "-wrong"
    with pytest.raises(immich.AuthenticationError) as caught:
        anonymous.login(account.email, wrong)
    error = caught.value
    assert error.server_message == "Incorrect email or password"
    assert (error.method, error.url) == ("POST", f"{anonymous.base_url}auth/login")
    for text in (str(error), repr(error)):
        assert wrong not in text
        assert account.password not in text
    assert "auth='none'" in repr(anonymous)  # still signed out


def test_session_token_never_in_errors(anonymous: Client, server: Server, account: Account) -> None:
    login = anonymous.auth.login(email=account.email, password=account.password)
    token = login.access_token
    assert token not in repr(login)  # masked
    with Client(server.url, access_token=token) as c:
        assert (c.users.get_my_user()).id == account.id
        with pytest.raises(immich.PermissionDeniedError) as caught:
            c.users_admin.search_users_admin()
        assert token not in str(caught.value)
        assert token not in repr(caught.value)
        assert token not in repr(c)
        c.auth.logout()
