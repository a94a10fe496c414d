"""Every API group's example (``codegen/examples.py``, shown in the group's docstring) is
real code: the methods it calls exist and take its arguments, and it runs against
FakeImmich on both clients, to the end, or, where the fake does not implement a call, up
to that call (a 501 naming an operation the example calls, so everything before it and
the arguments of that one were right)."""

from __future__ import annotations

import ast
import asyncio
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import immich.models
from codegen.examples import CLIENT_METHODS, EXAMPLES, example, to_async
from codegen.unasync_rules import _Rule
from immich import APIStatusError, AsyncClient, Client
from immich._core import operations
from immich._sync.api import GROUPS
from immich.testing import FakeImmich
from immich.testing._unimplemented import UNIMPLEMENTED_OPERATIONS
from tests.codegen.test_surface import group_classes
from tests.docs.seed import seed_files, seed_server

UNIMPLEMENTED = {operation_id for _, _, operation_id in UNIMPLEMENTED_OPERATIONS}
OPERATION_OF = {
    op.name: op.operation_id
    for op in vars(operations).values()
    if isinstance(op, operations.Operation)
}


def test_every_group_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(GROUPS)


@pytest.mark.parametrize("group", GROUPS)
def test_the_group_docstrings_show_the_example(group: str) -> None:
    async_cls, sync_cls = group_classes(group)
    code = example(group)
    assert textwrap.indent(code, "    ") in (inspect.getdoc(sync_cls) or "")
    assert textwrap.indent(to_async(code), "    ") in (inspect.getdoc(async_cls) or "")
    # unasync turns the async docstring's example back into the blocking one.
    assert _Rule("a/", "b/", prose=True)._unasync_prose(to_async(code)) == code


def calls(code: str) -> Iterator[tuple[ast.Call, list[str]]]:
    """The calls of client methods: (call, [group, method]) or (call, [method])."""
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        chain: list[str] = []
        func = node.func
        while isinstance(func, ast.Attribute):
            chain.insert(0, func.attr)
            func = func.value
        is_client = isinstance(func, ast.Name) and func.id == "client"
        if is_client and chain and (chain[0] in GROUPS or chain[0] in CLIENT_METHODS):
            yield node, chain


def model_names(code: str) -> set[str]:
    """The names an example imports from ``immich.models``."""
    return {
        alias.name
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.ImportFrom) and node.module == "immich.models"
        for alias in node.names
    }


def target(chain: list[str]) -> Callable[..., Any]:
    """The function a call chain names on the blocking client."""
    if chain == ["download"]:
        return group_classes("download")[1].__call__  # type: ignore[no-any-return]
    if len(chain) == 1:
        return getattr(Client, chain[0])  # type: ignore[no-any-return]
    assert len(chain) == 2, chain
    sync_cls = group_classes(chain[0])[1]
    assert hasattr(sync_cls, chain[1]), f"client.{chain[0]} has no method {chain[1]}"
    return getattr(sync_cls, chain[1])  # type: ignore[no-any-return]


def check_binds(function: Callable[..., Any], call: ast.Call, owner: str) -> None:
    """``call``'s positional and keyword arguments fit ``function``'s signature."""
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return  # unpacked arguments: checked when the example runs
    signature = inspect.signature(function)
    args = [object()] * len(call.args)
    bound_self = [object()] if "self" in signature.parameters else []
    try:
        signature.bind(*bound_self, *args, **{k.arg: object() for k in call.keywords if k.arg})
    except TypeError as exc:
        raise AssertionError(f"{owner}: {exc}") from None


@pytest.mark.parametrize("group", GROUPS)
def test_every_call_exists_and_takes_its_arguments(group: str) -> None:
    code = example(group)
    found = list(calls(code))
    assert any(chain[0] == group for _, chain in found), "the example uses its own group"
    for call, chain in found:
        check_binds(target(chain), call, "client." + ".".join(chain))
    names = model_names(code)
    for name in names:
        assert hasattr(immich.models, name), name
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            check_binds(getattr(immich.models, node.func.id), node, node.func.id)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            assert hasattr(getattr(immich.models, node.value.id), node.attr), ast.unparse(node)


def called_operations(code: str) -> set[str]:
    return {OPERATION_OF[chain[-1]] for _, chain in calls(code) if chain[-1] in OPERATION_OF}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeImmich:
    """A seeded fake; the working folder has ``photo.jpg``; the admin's email and
    password are in IMMICH_EMAIL and IMMICH_PASSWORD, as examples of login read them."""
    server = FakeImmich()
    seed_server(server)
    seed_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the upload hash cache
    monkeypatch.setenv("IMMICH_EMAIL", server.admin_email)
    monkeypatch.setenv("IMMICH_PASSWORD", server.admin_password)
    return server


def outcome(group: str, error: BaseException | None) -> None:
    """The example ran to the end, or stopped at a 501 for an operation it calls that
    the fake does not implement."""
    if error is None:
        return
    if not (isinstance(error, APIStatusError) and error.status_code == 501):
        raise error
    operation_id = error.body["operationId"]
    assert operation_id in UNIMPLEMENTED
    assert operation_id in called_operations(example(group)), operation_id


@pytest.mark.parametrize("group", GROUPS)
def test_the_example_runs_on_client(group: str, fake: FakeImmich) -> None:
    error = None
    with Client(
        "http://127.0.0.1:2283", api_key=fake.api_key, transport=fake.transport()
    ) as client:
        try:
            exec(compile(example(group), f"<example {group}>", "exec"), {"client": client})
        except Exception as exc:
            error = exc
    outcome(group, error)


@pytest.mark.parametrize("group", GROUPS)
def test_the_example_runs_on_async_client(group: str, fake: FakeImmich) -> None:
    code = "async def run(client):\n" + textwrap.indent(to_async(example(group)), "    ")
    namespace: dict[str, Any] = {}
    exec(compile(code, f"<async example {group}>", "exec"), namespace)

    async def main() -> BaseException | None:
        transport = fake.async_transport()
        async with AsyncClient(
            "http://127.0.0.1:2283", api_key=fake.api_key, transport=transport
        ) as client:
            try:
                await namespace["run"](client)
            except Exception as exc:
                return exc
        return None

    outcome(group, asyncio.run(main()))
