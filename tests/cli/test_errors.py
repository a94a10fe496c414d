"""The messages and exit codes of the mistakes users make."""

from __future__ import annotations

import httpx
import pytest

from immich import Client, UnsupportedByServerError
from immich.cli._errors import display_url
from immich.testing import FakeImmich
from tests.cli.conftest import Invoke


def test_wrong_key(invoke: Invoke, url: str, secrets: list[str]) -> None:
    secrets.append("wrong-key-123")
    result = invoke("whoami", "--url", url, "--api-key", "wrong-key-123")
    assert result.exit_code == 1
    assert "the API key (from --api-key) was rejected" in result.stderr
    assert url in result.stderr
    assert result.stdout == ""


def test_no_key_at_all(invoke: Invoke, url: str) -> None:
    result = invoke("whoami", "--url", url)
    assert result.exit_code == 1
    assert "none was given" in result.stderr
    assert "--api-key" in result.stderr
    assert "IMMICH_API_KEY" in result.stderr


def test_connection_refused_names_the_url(invoke: Invoke, refused_url: str) -> None:
    result = invoke("whoami", "--json", "--url", refused_url, "--api-key", "k")
    assert result.exit_code == 1
    assert f"cannot connect to the Immich server at {refused_url}" in result.stderr
    assert "Check the URL" in result.stderr
    assert result.stdout == ""


def test_not_an_immich_server(invoke: Invoke, url: str) -> None:
    # The fake's root serves no API under /nothing/api.
    result = invoke("whoami", "--url", url + "/nothing", "--api-key", "k")
    assert result.exit_code == 1
    assert "has no Immich API" in result.stderr
    assert "check the URL" in result.stderr


def test_not_found_from_immich(invoke: Invoke, connect: list[str]) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    result = invoke("api", "assets", "get_asset_info", missing, *connect)
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert missing in result.stderr


def test_malformed_url(invoke: Invoke) -> None:
    result = invoke("whoami", "--url", "ftp://example.com", "--api-key", "k")
    assert result.exit_code == 2
    assert "malformed" in result.stderr
    assert "(from --url)" in result.stderr


def test_missing_url(invoke: Invoke) -> None:
    result = invoke("server", "info")
    assert result.exit_code == 2
    for hint in ("--url", "IMMICH_URL", "immich login"):
        assert hint in result.stderr


def test_missing_permission_names_it(invoke: Invoke, url: str, user_key: str) -> None:
    result = invoke("library", "list", "--url", url, "--api-key", user_key)
    assert result.exit_code == 1
    assert "permission denied" in result.stderr
    assert "'library.read'" in result.stderr
    assert "admin" in result.stderr


def test_missing_permission_through_api(invoke: Invoke, url: str, user_key: str) -> None:
    result = invoke("api", "users_admin", "search_users_admin", "--url", url, "--api-key", user_key)
    assert result.exit_code == 1
    assert "'adminUser.read'" in result.stderr


def test_server_too_old(
    invoke: Invoke, connect: list[str], fake: FakeImmich, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Client, operation: object, *parts: object) -> None:
        raise UnsupportedByServerError("get_queues", "2.4.0", "2.3.1")

    monkeypatch.setattr(Client, "_preflight", refuse)
    result = invoke("queues", "list", *connect)
    assert result.exit_code == 1
    assert "get_queues needs Immich server 2.4.0 or newer; this server runs 2.3.1" in result.stderr
    assert "upgrade" in result.stderr


def test_usage_errors_exit_2(invoke: Invoke) -> None:
    result = invoke("library", "create")
    assert result.exit_code == 2
    assert invoke("no-such-command").exit_code == 2


def test_interrupted_exits_130(
    invoke: Invoke, connect: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("immich._sync.api.server.ServerApi.get_server_version", interrupt)
    result = invoke("server", "info", *connect)
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_a_reader_that_stops_reading_ends_the_command_quietly(
    invoke: Invoke, connect: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # (immich api --list | head -1: the pipe closes while the command writes.)
    def closed(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("immich._sync.api.server.ServerApi.get_server_version", closed)
    result = invoke("server", "info", *connect)
    assert result.exit_code == 141
    assert result.stderr == ""


def test_plain_http_to_a_remote_host_warns_in_one_line(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, fake: FakeImmich
) -> None:
    def make_client(url: str, api_key: str | None) -> Client:
        # (The fake's own transport is known to cross no network: this one is not.)
        remote = httpx.MockTransport(fake.transport().handle_request)
        return Client(url, api_key=api_key, transport=remote)

    monkeypatch.setattr("immich.cli._session.make_client", make_client)
    result = invoke("whoami", "--json", "--url", "http://photos.example", "--api-key", fake.api_key)
    assert result.exit_code == 0, result
    assert "warning: sending Immich credentials over plain HTTP to photos.example" in result.stderr
    assert ".py:" not in result.stderr
    result.json()


def test_errors_never_show_credentials_in_urls() -> None:
    assert display_url("http://user:pass@host:2283/api") == "http://host:2283/api"
    assert display_url("host") == "host"


def test_an_unexpected_error_is_not_hidden(
    invoke: Invoke, connect: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("immich._sync.api.users.UsersApi.get_my_user", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        invoke("whoami", *connect)


def test_a_timeout_is_explained(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, fake: FakeImmich
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def make_client(url: str, api_key: str | None) -> Client:
        return Client(url, api_key=api_key, transport=httpx.MockTransport(handle), max_retries=0)

    monkeypatch.setattr("immich.cli._session.make_client", make_client)
    result = invoke("whoami", "--url", "http://localhost:9", "--api-key", fake.api_key)
    assert result.exit_code == 1
    assert "did not answer in time" in result.stderr


def test_with_json_a_failure_is_a_json_document_on_stderr(
    invoke: Invoke, url: str, user_key: str
) -> None:
    result = invoke("library", "list", "--json", "--url", url, "--api-key", user_key)
    assert result.exit_code == 1
    assert result.stdout == ""
    error = result.json_error()
    assert error["type"] == "PermissionDeniedError"
    assert error["status"] == 403
    assert error["exitCode"] == 1
    assert "'library.read'" in error["message"]


def test_with_json_a_usage_error_is_a_json_document_too(invoke: Invoke) -> None:
    result = invoke("whoami", "--json", env={"IMMICH_URL": "", "IMMICH_API_KEY": ""})
    assert result.exit_code == 2
    error = result.json_error()
    assert error["exitCode"] == 2
    assert "IMMICH_URL" in error["message"]


def test_a_waits_notes_count_jobs_in_english_and_name_only_other_queues() -> None:
    from immich._transfer.waiting import WaitProgress
    from immich.cli._queues import WaitNotes

    class Notes:
        def __init__(self) -> None:
            self.lines: list[str] = []

        def note(self, text: str) -> None:
            self.lines.append(text)

    out = Notes()
    notes = WaitNotes(out, "thumbnailGeneration")  # type: ignore[arg-type]
    notes(WaitProgress("queues", 1, 0.1, detail={"thumbnailGeneration": 1}))
    notes(WaitProgress("queues", 3, 0.2, detail={"thumbnailGeneration": 1, "metadata": 2}))
    assert out.lines == [
        "  thumbnailGeneration: 1 job left",
        "  thumbnailGeneration: 3 jobs left (thumbnailGeneration 1, metadata 2)",
    ]
