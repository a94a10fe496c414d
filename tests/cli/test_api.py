"""``immich api GROUP METHOD``: every operation, its arguments from the method signature."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immich.cli.commands.api import group_names, methods_of
from immich.testing import FakeImmich
from tests.cli.conftest import Invoke, make_jpeg


def test_every_operation_is_reachable() -> None:
    from immich._core import operations as _operations
    from immich._core.operation import Operation

    operations = {v.name for v in vars(_operations).values() if isinstance(v, Operation)}
    reachable = {name for group in group_names() for name in methods_of(group)}
    assert reachable == operations


def test_get_server_version(invoke: Invoke, connect: list[str]) -> None:
    result = invoke("api", "server", "get_server_version", *connect)
    assert result.exit_code == 0, result
    assert result.api_result() == {"major": 3, "minor": 0, "patch": 3, "prerelease": None}


def test_names_in_any_spelling(invoke: Invoke, connect: list[str]) -> None:
    for group, method in [("server", "getServerVersion"), ("Server", "get-server-version")]:
        result = invoke("api", group, method, *connect)
        assert result.api_result()["major"] == 3


def test_global_options_before_api(invoke: Invoke, url: str, fake: FakeImmich) -> None:
    result = invoke("--url", url, "--api-key", fake.api_key, "api", "users", "get_my_user")
    assert result.api_result()["email"] == "admin@example.com"


def test_create_album_with_body_fields(
    invoke: Invoke, connect: list[str], fake: FakeImmich
) -> None:
    first = fake.add_asset(b"\xff\xd8\xff\xd9 1", filename="1.jpg")
    second = fake.add_asset(b"\xff\xd8\xff\xd9 2", filename="2.jpg")
    result = invoke(
        "api",
        "albums",
        "create_album",
        "--album-name",
        "Trip",
        "--description=Summer",
        "--asset_ids",
        f"{first},{second}",
        *connect,
    )
    assert result.exit_code == 0, result
    album = result.api_result()
    assert (album["albumName"], album["description"], album["assetCount"]) == (
        "Trip",
        "Summer",
        2,
    )


def test_a_list_option_repeated(invoke: Invoke, connect: list[str], fake: FakeImmich) -> None:
    ids = [fake.add_asset(bytes([0xFF, 0xD8, i]), filename=f"{i}.jpg") for i in range(3)]
    result = invoke(
        "api",
        "albums",
        "create_album",
        "--album-name",
        "Three",
        *[arg for asset in ids for arg in ("--asset-ids", asset)],
        "--json",
        *connect,
    )
    assert result.api_result()["assetCount"] == 3


def test_model_params_as_json(
    invoke: Invoke, connect: list[str], fake: FakeImmich, url: str
) -> None:
    user_id, _ = fake.create_user(email="friend@example.com", name="Friend")
    users = json.dumps([{"userId": user_id, "role": "editor"}])
    result = invoke(
        "api", "albums", "create_album", "--album-name", "Shared", "--album-users", users, *connect
    )
    assert result.exit_code == 0, result
    roles = {u["user"]["id"]: u["role"] for u in result.api_result()["albumUsers"]}
    assert roles[user_id] == "editor"


def test_path_param_positional_or_option(
    invoke: Invoke, connect: list[str], fake: FakeImmich
) -> None:
    asset = fake.add_asset(b"\xff\xd8\xff\xd9 x", filename="x.jpg")
    by_position = invoke("api", "assets", "get_asset_info", asset, *connect).api_result()
    by_option = invoke("api", "assets", "get_asset_info", "--id", asset, *connect).api_result()
    assert by_position["id"] == by_option["id"] == asset


def test_bool_and_enum_values(invoke: Invoke, connect: list[str], fake: FakeImmich) -> None:
    asset = fake.add_asset(b"\xff\xd8\xff\xd9 y", filename="y.jpg")
    result = invoke(
        "api",
        "assets",
        "update_asset",
        asset,
        "--is-favorite",
        "--visibility",
        "ARCHIVE",
        *connect,
    )
    assert result.exit_code == 0, result
    assert "deprecated" in result.stderr  # update_asset is; the user is told
    info = fake.asset(asset)
    assert info["isFavorite"] is True
    assert info["visibility"] == "archive"
    invoke("api", "assets", "update_asset", asset, "--no-is-favorite", *connect)
    assert fake.asset(asset)["isFavorite"] is False


def test_search_with_a_datetime_and_an_int(
    invoke: Invoke, connect: list[str], fake: FakeImmich
) -> None:
    fake.add_asset(b"\xff\xd8 old", filename="old.jpg", taken_at="2019-06-01T12:00:00Z")
    fake.add_asset(b"\xff\xd8 new", filename="new.jpg", taken_at="2024-06-01T12:00:00Z")
    result = invoke(
        "api",
        "search",
        "search_assets",
        "--taken-after",
        "2020-01-01T00:00:00Z",
        "--size",
        "10",
        *connect,
    )
    assert result.exit_code == 0, result
    names = [a["originalFileName"] for a in result.api_result()["assets"]["items"]]
    assert names == ["new.jpg"]


def test_a_binary_method_needs_output(
    invoke: Invoke, connect: list[str], fake: FakeImmich, tmp_path: Path
) -> None:
    content = make_jpeg(tmp_path / "src.jpg", 9).read_bytes()
    asset = fake.add_asset(content, filename="photo.jpg")
    refused = invoke("api", "assets", "download_asset", asset, *connect)
    assert refused.exit_code == 2
    assert "--output" in refused.stderr

    target = tmp_path / "out.jpg"
    result = invoke(
        "api", "assets", "download_asset", asset, "--output", str(target), "--json", *connect
    )
    assert result.exit_code == 0, result
    assert target.read_bytes() == content
    assert result.json() == {
        "schema": "immich.api-file",
        "schemaVersion": 1,
        "group": "assets",
        "method": "download_asset",
        "path": str(target),
        "bytes": len(content),
    }


def test_a_binary_method_to_stdout(invoke: Invoke, connect: list[str], fake: FakeImmich) -> None:
    asset = fake.add_asset(b"\xff\xd8\xff\xd9 raw bytes", filename="z.jpg")
    result = invoke("api", "assets", "download_asset", asset, "-o", "-", *connect)
    assert result.exit_code == 0, result
    assert "raw bytes" in result.stdout


def test_no_content_result(invoke: Invoke, connect: list[str], fake: FakeImmich) -> None:
    asset = fake.add_asset(b"\xff\xd8 gone", filename="gone.jpg")
    result = invoke("api", "assets", "delete_assets", "--ids", asset, "--json", *connect)
    assert result.exit_code == 0, result
    answer = result.json()
    assert (answer["status"], answer["result"]) == (204, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["albums", "create_album"], "missing --album-name"),
        (["albums", "create_album", "--album-name", "x", "--bogus", "1"], "has no option --bogus"),
        (["nogroup"], "no API group"),
        (["albums", "nomethod"], "has no method"),
        (["search", "search_assets", "--size", "many"], "--size: expected a whole number"),
        (["search", "search_assets", "--taken-after", "soon"], "--taken-after: expected a date"),
        (["assets", "update_asset", "x", "--visibility", "secret"], "expected one of"),
        (["albums", "create_album", "--album-name", "x", "--album-users", "{"], "invalid JSON"),
        (["server", "get_server_version", "extra"], "too many arguments"),
        (["server", "get_server_version", "--output", "f"], "returns JSON, not a file"),
        (["assets", "get_asset_info", "a", "--id", "b"], "given twice"),
    ],
)
def test_usage_errors(invoke: Invoke, connect: list[str], args: list[str], message: str) -> None:
    result = invoke("api", *args, *connect)
    assert result.exit_code == 2, result
    assert message in result.stderr
    assert result.stdout == ""


def test_lists_and_help_need_no_server(invoke: Invoke) -> None:
    groups = invoke("api", "--list", "--json")
    assert groups.exit_code == 0, groups
    assert {k: v for k, v in groups.json()["groups"][1].items() if k != "summary"} == {
        "group": "albums",
        "methods": 13,
    }
    methods = invoke("api", "albums", "--list", "--json").json()
    assert methods["group"] == "albums"
    assert {"method": "create_album", "summary": "Create an album", "file": False} in methods[
        "methods"
    ]
    assert "create_album" in invoke("api", "albums").stdout

    helped = invoke("api", "albums", "create_album", "--help")
    assert helped.exit_code == 0
    assert "--album-name" in helped.stdout
    assert "Album name" in helped.stdout
    assert "POST /api/albums" in helped.stdout
    spec = invoke("api", "assets", "download_asset", "--help", "--json").json()
    assert spec["file"] is True
    assert [p["name"] for p in spec["parameters"] if p["positional"]] == ["id"]


def test_every_option_has_help_in_plain_text(invoke: Invoke) -> None:
    """Parameters the spec leaves undescribed get words of their own (``id`` is the
    thing's id, ``key``/``slug`` a shared link's), and docstring markup is not shown."""
    from immich.cli.commands import api

    for group in api.group_names():
        for name, method in api.methods_of(group).items():
            for parameter in method.parameters.values():
                text = parameter.help
                assert text, f"{group}.{name}({parameter.name})"
                # Not the generator's last resort, the name made a sentence ("Id.").
                assert text != parameter.name.replace("_", " ").capitalize() + ".", text
                assert "``" not in text, text
                assert ":class:" not in text, text
    helped = invoke("api", "albums", "get_album_info", "--help").stdout
    assert "The album's id." in helped
    assert "A shared link's key" in helped
    assert "GET /api/albums/{id}. History:" in helped
    for markup in ("``", ":class:", "Raises"):
        assert markup not in helped


def test_a_method_option_named_like_a_global_option(
    invoke: Invoke, url: str, fake: FakeImmich
) -> None:
    # auth.finish_o_auth has a `url` parameter: after the method, --url is the method's.
    result = invoke(
        "--url",
        url,
        "--api-key",
        fake.api_key,
        "api",
        "auth",
        "finish_oauth",
        "--url",
        "http://callback?code=1",
    )
    assert result.exit_code == 1
    # The fake does not do OAuth, so the request reached it: the server URL was not taken.
    assert "finishOAuth" in result.stderr
