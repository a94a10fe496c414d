"""Property-based: for every component schema, valid JSON decodes and re-encodes validly.

Instances come from the spec's own schemas, with the v4-only UUID patterns relaxed
because real servers hand out other UUIDs too.
"""

from __future__ import annotations

from typing import Any

import hypothesis
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import immich.models
from immich import converter
from tests.contract.openapi_schema import json_schema
from tests.contract.schema_strategies import from_schema
from tests.spec_location import load_spec

SPEC = load_spec()
SCHEMAS = sorted(SPEC["components"]["schemas"])
EXAMPLES = 20


def test_every_schema_has_a_model() -> None:
    assert (
        len(SCHEMAS) == 378
    )  # the spec's 376, SanitizedAssetResponseDto and SyncStreamLine (codegen/corrections.py)
    assert sorted(immich.models.__all__) == SCHEMAS


def _strategy(name: str) -> st.SearchStrategy[Any]:
    return from_schema(json_schema(SPEC, name, relax=True))


@pytest.mark.parametrize("name", SCHEMAS)
def test_decode_and_reencode(name: str) -> None:
    model = getattr(immich.models, name)
    validator = jsonschema.Draft7Validator(json_schema(SPEC, name, relax=True))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @given(_strategy(name))
    def check(instance: Any) -> None:
        decoded = converter.structure(instance, model)
        encoded = converter.unstructure(decoded)
        validator.validate(encoded)

    check()
