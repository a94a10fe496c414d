from __future__ import annotations

from typing import Any

import pytest

from tests.spec_location import load_spec


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    return load_spec()
