from __future__ import annotations

from collections.abc import Iterator

import pytest

from immich.testing import FakeImmich

from ._api import MODES, Api, iter_apis
from ._media import make_jpegs


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


@pytest.fixture(params=MODES)
def api(request: pytest.FixtureRequest, fake: FakeImmich) -> Iterator[Api]:
    """The admin's client, through each of the three ways of reaching the fake."""
    yield from iter_apis(fake, request.param)


@pytest.fixture(scope="session")
def jpegs() -> list[bytes]:
    """Fifty small, distinct JPEG files."""
    return make_jpegs(50)
