"""For every operation: a call with generated arguments sends a request the spec accepts,
and a response generated from the spec decodes.

Arguments are drawn from the spec's parameter and body schemas; the request the SDK
sends (method, path, query, headers, body) is checked against the operation, and the
answer is a body drawn from the success response's schema.
"""

from __future__ import annotations

import datetime
import json
import re
import warnings
from typing import Any
from urllib.parse import parse_qsl, unquote

import attrs
import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import immich.models
from codegen.naming import GROUP_BY_TAG, python_name
from immich import Client, converter
from immich._core.converter import FILE_FIELD, parse_datetime
from immich._core.naming import snake_case
from tests.contract.openapi_schema import inline
from tests.contract.schema_strategies import from_schema
from tests.spec_location import load_spec

SPEC = load_spec()
OPERATIONS = sorted(
    (op["operationId"], path, method, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
)
EXAMPLES = 3


def test_every_operation_is_covered() -> None:
    assert len(OPERATIONS) == 254


def _body_schema(op: dict[str, Any]) -> tuple[str | None, dict[str, Any] | None]:
    body = op.get("requestBody")
    if not body:
        return None, None
    content_type, content = next(iter(body["content"].items()))
    return content_type, content["schema"]


def _success(op: dict[str, Any]) -> tuple[int, str | None, dict[str, Any] | None]:
    code = min(c for c in op["responses"] if c.startswith("2"))
    content = op["responses"][code].get("content") or {}
    if not content:
        return int(code), None, None
    content_type, media = next(iter(content.items()))
    return int(code), content_type, media.get("schema")


@st.composite
def _call(draw: st.DrawFn, op: dict[str, Any]) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    sent: dict[str, Any] = {}
    for param in op.get("parameters", []):
        if not param.get("required") and param["in"] != "path" and draw(st.booleans()):
            continue
        schema = inline(SPEC, param["schema"], relax=True)
        if param["in"] == "path" and schema.get("type") == "string":
            schema["minLength"] = 1  # an empty one is refused before sending (tested apart)
        if param["in"] == "header" and schema.get("type") == "string":
            value = draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40))
        else:
            value = draw(from_schema(schema))
        if param["in"] == "query" and value is None:
            continue  # a query string cannot say null
        sent[param["name"]] = value
        arguments[python_name(param["name"])] = _python_value(param["schema"], value)
    _, schema = _body_schema(op)
    if schema is not None:
        model = getattr(immich.models, schema["$ref"].rsplit("/", 1)[-1])
        instance = draw(from_schema(inline(SPEC, schema, relax=True)))
        decoded = converter.structure(instance, model)
        taken = set(arguments)
        for field in attrs.fields(model):
            value = getattr(decoded, field.name)
            if field.metadata.get(FILE_FIELD) and value is not immich.UNSET:
                value = ("upload.jpg", b"\xff\xd8 pretend jpeg")
            name = f"body_{field.name}" if field.name in taken else field.name
            arguments[name] = value
    return {"arguments": arguments, "sent": sent}


def _python_value(schema: dict[str, Any], value: Any) -> Any:
    """A drawn JSON value as the Python type the method's signature asks for."""
    if "$ref" in schema and value is not None:
        return converter.structure(value, getattr(immich.models, schema["$ref"].rsplit("/", 1)[-1]))
    if schema.get("format") == "date-time" and value is not None:
        return parse_datetime(value)
    if schema.get("format") == "date" and value is not None:
        return datetime.date.fromisoformat(value)
    return value


def _method(client: Client, op: dict[str, Any]) -> Any:
    group = getattr(client, GROUP_BY_TAG[op["tags"][0]])
    return getattr(group, snake_case(op["operationId"]))


def _check_request(
    request: httpx.Request, path: str, method: str, op: dict[str, Any], sent: dict[str, Any]
) -> None:
    assert request.method == method.upper()
    template = "^/api" + re.sub(r"\{[^}]+\}", "([^/]+)", path) + "$"
    match = re.match(template, request.url.raw_path.decode().split("?")[0])
    assert match, f"{request.url} does not match {path}"
    names = re.findall(r"\{([^}]+)\}", path)
    for name, raw in zip(names, match.groups(), strict=True):
        assert unquote(raw) == _as_text(sent[name])

    query = parse_qsl(request.url.query.decode(), keep_blank_values=True)
    declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
    for name, _ in query:
        assert name in declared, f"undeclared query parameter {name}"
    for name, param in declared.items():
        values = [v for k, v in query if k == name]
        if param.get("required"):
            assert values, f"required query parameter {name} missing"
        if name in sent:
            expected = sent[name] if isinstance(sent[name], list) else [sent[name]]
            if isinstance(sent[name], list) and len(expected) == 1:
                expected = expected * 2  # (Immich 3 reads a key given once as a string)
            assert [_instant_or_text(v) for v in values] == [
                _instant_or_text(_as_text(v)) for v in expected
            ]

    for param in op.get("parameters", []):
        if param["in"] == "header" and param["name"] in sent:
            assert request.headers[param["name"]] == _as_text(sent[param["name"]])

    content_type, schema = _body_schema(op)
    if schema is None:
        assert not request.content
        return
    if not request.content and not _required(schema):
        return  # an all-optional multipart body with nothing in it
    actual_type = request.headers["content-type"]
    assert actual_type.startswith(content_type), actual_type
    body_schema = inline(SPEC, schema, relax=True)
    if content_type == "application/json":
        jsonschema.Draft7Validator(body_schema).validate(json.loads(request.content))
    elif content_type == "application/x-www-form-urlencoded":
        fields = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
        assert set(body_schema.get("required", [])) <= set(fields)
    else:
        names = set(re.findall(rb'; name="([^"]+)"', request.content))
        assert {n.encode() for n in body_schema.get("required", [])} <= names
        assert names <= {n.encode() for n in body_schema["properties"]}


def _required(schema: dict[str, Any]) -> list[str]:
    return list(inline(SPEC, schema).get("required", []))


def _instant_or_text(text: str) -> Any:
    """A timestamp as the instant it names, to the millisecond (the client writes every
    timestamp in the server's own form, UTC to the millisecond, as the server reads it);
    any other text as it is."""
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)", text):
        instant = parse_datetime(text)
        return instant.replace(microsecond=instant.microsecond // 1000 * 1000)
    return text


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize(
    ("operation_id", "path", "method", "op"), OPERATIONS, ids=[o[0] for o in OPERATIONS]
)
def test_request_matches_spec_and_response_decodes(
    operation_id: str, path: str, method: str, op: dict[str, Any]
) -> None:
    status, response_type, response_schema = _success(op)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )
    @given(call=_call(op), data=st.data())
    def check(call: dict[str, Any], data: st.DataObject) -> None:
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            request.read()
            seen.append(request)
            if response_schema is None:
                return httpx.Response(status)
            if response_type == "application/json":
                body = data.draw(from_schema(inline(SPEC, response_schema, relax=True)))
                return httpx.Response(status, json=body)
            if response_type == "application/jsonlines+json":
                line = data.draw(from_schema(inline(SPEC, response_schema, relax=True)))
                body = json.dumps({**line, "type": "SyncCompleteV1", "data": {}}) + "\n"
                return httpx.Response(status, content=body, headers={"content-type": response_type})
            return httpx.Response(
                status, content=b"#EXTM3U\n", headers={"content-type": response_type}
            )

        with (
            Client(
                base_url="http://localhost:2283",
                api_key="contract-test",
                transport=httpx.MockTransport(answer),
                check_server_version=False,
            ) as client,
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", DeprecationWarning)
            _method(client, op)(**call["arguments"])
        assert len(seen) == 1
        _check_request(seen[0], path, method, op, call["sent"])

    check()


@pytest.mark.parametrize(
    ("group", "method", "arguments"),
    [
        ("albums", "get_album_info", {"id": ""}),
        ("assets", "get_asset_metadata_by_key", {"id": "a", "key": ""}),
    ],
)
def test_empty_path_parameter_is_refused_before_sending(
    group: str, method: str, arguments: dict[str, Any]
) -> None:
    sent: list[httpx.Request] = []
    with (
        Client(
            base_url="http://localhost:2283",
            api_key="k",
            transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200)),
        ) as client,
        pytest.raises(ValueError, match="must not be empty"),
    ):
        getattr(getattr(client, group), method)(**arguments)
    assert sent == []


NOW = datetime.datetime.now(datetime.timezone.utc)


def test_non_ascii_header_is_refused_before_sending() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/server/version":  # uploads depend on the version
            return httpx.Response(200, json={"major": 3, "minor": 0, "patch": 3})
        sent.append(request)
        return httpx.Response(200)

    with (
        Client(
            base_url="http://localhost:2283",
            api_key="k",
            transport=httpx.MockTransport(answer),
        ) as client,
        pytest.raises(ValueError, match="must be ASCII"),
    ):
        client.assets.upload_asset(
            asset_data=b"x",
            file_created_at=NOW,
            file_modified_at=NOW,
            x_immich_checksum="ünïcode",
        )
    assert sent == []
