"""Password login on the real server: the session token replaces the API key, opens the
endpoints that refuse API keys (``sync``), and is gone after logout."""

from __future__ import annotations

import datetime

import pytest

import immich
from immich import UNSET, AsyncClient
from tests.e2e.server import Account, Server


async def test_login_sync_logout(anonymous: AsyncClient, account: Account) -> None:
    await anonymous.login(account.email, account.password)
    assert "auth='access_token'" in repr(anonymous)
    me = await anonymous.users.get_my_user()
    assert me.id == account.id

    # The sync endpoints want a session; with one they answer.
    acks = await anonymous.sync.get_sync_ack()
    assert isinstance(acks, list)
    status = await anonymous.auth.validate_access_token()
    assert status.auth_status is True
    sessions = await anonymous.sessions.get_sessions()
    current = [s for s in sessions if s.current]
    assert len(current) == 1
    # Timestamps the spec types as strings decode as aware datetimes (codegen/corrections.py).
    (mine,) = current
    assert mine.created_at.tzinfo is not None
    assert mine.updated_at >= mine.created_at
    child = await anonymous.sessions.create_session(device_type="e2e", duration=3600)
    assert isinstance(child.expires_at, datetime.datetime)
    assert datetime.timedelta(minutes=59) < child.expires_at - child.created_at
    assert child.expires_at - child.created_at <= datetime.timedelta(hours=1, seconds=5)
    auth = await anonymous.auth.get_auth_status()
    assert auth.expires_at is UNSET or isinstance(auth.expires_at, datetime.datetime)
    await anonymous.sessions.delete_session(child.id)

    out = await anonymous.auth.logout()
    assert out.successful is True
    with pytest.raises(immich.AuthenticationError) as after:
        await anonymous.sync.get_sync_ack()
    assert after.value.server_message == "Invalid user token"


async def test_an_api_key_cannot_sync(client: AsyncClient) -> None:
    with pytest.raises(immich.PermissionDeniedError) as refused:
        await client.sync.get_sync_ack()
    assert refused.value.status_code == 403


async def test_wrong_password(anonymous: AsyncClient, account: Account) -> None:
    wrong = account.password + "-wrong"
    with pytest.raises(immich.AuthenticationError) as caught:
        await anonymous.login(account.email, wrong)
    error = caught.value
    assert error.server_message == "Incorrect email or password"
    assert (error.method, error.url) == ("POST", f"{anonymous.base_url}auth/login")
    for text in (str(error), repr(error)):
        assert wrong not in text
        assert account.password not in text
    assert "auth='none'" in repr(anonymous)  # still signed out


async def test_session_token_never_in_errors(
    anonymous: AsyncClient, server: Server, account: Account
) -> None:
    login = await anonymous.auth.login(email=account.email, password=account.password)
    token = login.access_token
    assert token not in repr(login)  # masked
    async with AsyncClient(server.url, access_token=token) as c:
        assert (await c.users.get_my_user()).id == account.id
        with pytest.raises(immich.PermissionDeniedError) as caught:
            await c.users_admin.search_users_admin()
        assert token not in str(caught.value)
        assert token not in repr(caught.value)
        assert token not in repr(c)
        await c.auth.logout()
