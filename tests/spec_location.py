"""The one setting that tells tests where the Immich OpenAPI spec lives.

Set ``IMMICH_OPENAPI_SPEC`` to use another file; by default the tests read the spec
that sits beside the repository in ``../shared/openapi/``. A missing spec fails the
run: it is never a reason to skip.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from codegen import corrections

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "openapi" / "immich-openapi-specs.json"


def spec_path() -> Path:
    path = Path(os.environ.get("IMMICH_OPENAPI_SPEC", DEFAULT_SPEC))
    if not path.is_file():
        raise FileNotFoundError(
            f"Immich OpenAPI spec not found at {path}; set IMMICH_OPENAPI_SPEC to its location"
        )
    return path


@cache
def load_spec() -> dict[str, Any]:
    """The spec as the SDK is generated from it: with ``codegen/corrections.py`` applied
    (the answers real servers send that the published spec does not describe)."""
    with spec_path().open("rb") as f:
        spec: dict[str, Any] = json.load(f)
    return corrections.apply(spec)
