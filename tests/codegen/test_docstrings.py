"""What the generated docstrings tell (``codegen/descriptions.py``): a model says what it
is and where it is used, every method what it raises."""

from __future__ import annotations

import inspect
import re

import pytest

import immich.models
from immich._async.api import GROUPS
from immich._core import operations
from immich.versions import OLDEST_SUPPORTED
from tests.codegen.test_surface import group_classes

OPERATIONS = [op for op in vars(operations).values() if isinstance(op, operations.Operation)]


def test_no_model_is_described_by_its_name_alone() -> None:
    for name in immich.models.__all__:
        summary = (inspect.getdoc(getattr(immich.models, name)) or "").split("\n")[0]
        assert not re.search(r"\b(response )?dto\.$", summary, re.IGNORECASE), (name, summary)


def test_a_model_names_the_methods_that_take_or_answer_it() -> None:
    album = inspect.getdoc(immich.models.AlbumResponseDto) or ""
    assert album.startswith("An album, as the server answers it.")
    assert "``albums.get_album_info``" in album
    create = inspect.getdoc(immich.models.CreateAlbumDto) or ""
    assert create.startswith("What ``albums.create_album`` takes.")


@pytest.mark.parametrize("group", GROUPS)
def test_every_method_says_what_it_raises(group: str) -> None:
    _, sync_cls = group_classes(group)
    for op in OPERATIONS:
        method = getattr(sync_cls, op.name, None)
        if method is None or not method.__module__.startswith("immich._sync.api."):
            continue  # not in this group, or a hand-written helper of the same name
        doc = inspect.getdoc(method) or ""
        raises = doc.split("\nRaises:\n", 1)[1]
        assert "APIConnectionError:" in raises, op.name
        if op.permission:
            assert f"``{op.permission}``" in raises, op.name
        if op.since > OLDEST_SUPPORTED:
            assert "UnsupportedByServerError:" in raises, op.name
        if "{id}" in op.path:
            assert "NotFoundError:" in raises, op.name
        if op.response == "binary":
            to_file = inspect.getdoc(getattr(sync_cls, f"{op.name}_to_file")) or ""
            assert "IncompleteDownloadError:" in to_file, op.name
