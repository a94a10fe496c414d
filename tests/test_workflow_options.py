"""The bulk workflows' methods spell out their options: ``help(client.upload)`` and
``help(client.download)`` list each one, and each is passed on unchanged.

``client.upload``, ``client.assets.upload``, ``client.download(...)``,
``client.download.archive``, ``client.assets.download`` and
``client.assets.download_archive`` and ``client.mirror`` take the keyword options of the
functions in ``immich._async.upload``, ``immich._async.download`` and
``immich._async.mirror`` (and their ``_sync`` twins):
the same names, defaults and annotations, documented with the same words.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

import immich._async.download as async_download
import immich._async.mirror as async_mirror
import immich._async.upload as async_upload
import immich._sync.download as sync_download
import immich._sync.mirror as sync_mirror
import immich._sync.upload as sync_upload
from immich import AsyncClient, Client
from immich._async._helpers import AsyncAssetsHelpers, AsyncDownloadHelpers
from immich._sync._helpers import AssetsHelpers, DownloadHelpers

# (method, the function it runs, the function's module, its name there)
PAIRS: list[tuple[Callable[..., Any], Any, str]] = [
    (AsyncClient.upload, async_upload, "upload"),
    (AsyncAssetsHelpers.upload, async_upload, "upload"),
    (AsyncAssetsHelpers.download, async_download, "download"),
    (AsyncDownloadHelpers.__call__, async_download, "download"),
    (AsyncAssetsHelpers.download_archive, async_download, "download_archive"),
    (AsyncDownloadHelpers.archive, async_download, "download_archive"),
    (AsyncClient.mirror, async_mirror, "mirror"),
    (Client.upload, sync_upload, "upload"),
    (AssetsHelpers.upload, sync_upload, "upload"),
    (AssetsHelpers.download, sync_download, "download"),
    (DownloadHelpers.__call__, sync_download, "download"),
    (AssetsHelpers.download_archive, sync_download, "download_archive"),
    (DownloadHelpers.archive, sync_download, "download_archive"),
    (Client.mirror, sync_mirror, "mirror"),
]
IDS = [f"{m.__qualname__}-{mod.__name__.split('.')[1]}" for m, mod, _ in PAIRS]


def keyword_options(function: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    return [
        (p.name, p.default, p.annotation)
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]


def documented(function: Callable[..., Any]) -> dict[str, str]:
    """The Args section: name -> its text, with the line breaks taken out."""
    doc = inspect.getdoc(function) or ""
    section = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    found: dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r"^    (\w+): (.*)$", line)
        if match:
            name = match.group(1)
            found[name] = match.group(2)
        else:
            found[name] += " " + line.strip()
    return found


@pytest.mark.parametrize(("method", "module", "name"), PAIRS, ids=IDS)
def test_a_method_takes_and_documents_the_functions_options(
    method: Callable[..., Any], module: Any, name: str
) -> None:
    function = getattr(module, name)
    assert keyword_options(method) == keyword_options(function)
    method_docs, function_docs = documented(method), documented(function)
    parameters = list(inspect.signature(method).parameters)[1:]  # not self
    assert list(method_docs) == parameters, "every parameter documented, in order"
    assert list(function_docs) == ["client", *parameters]
    for option in parameters:
        assert method_docs[option] == function_docs[option], option


@pytest.mark.parametrize(("method", "module", "name"), PAIRS, ids=IDS)
def test_a_method_passes_every_option_on(
    method: Callable[..., Any], module: Any, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    received: dict[str, Any] = {}

    def record(client: Any, first: Any, **options: Any) -> str:
        received.update(options, first=first)
        return "result"

    async def arecord(client: Any, first: Any, **options: Any) -> str:
        return record(client, first, **options)

    is_async = inspect.iscoroutinefunction(method)
    monkeypatch.setattr(module, name, arecord if is_async else record)
    given = {option: object() for option, _, _ in keyword_options(method)}
    owner = Client if method.__qualname__.startswith("Client.") else None
    owner = owner or (AsyncClient if method.__qualname__.startswith("AsyncClient.") else None)
    target: Any = object.__new__(owner) if owner else type("Group", (), {"_client": None})()
    result = method(target, "here", **given)
    if is_async:
        result = asyncio.run(result)
    assert result == "result"
    assert received == {"first": "here", **given}
