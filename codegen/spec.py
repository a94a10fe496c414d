"""Load the Immich OpenAPI spec and resolve it into the few shapes the templates render.

Everything about *reading* the spec lives here; everything about *writing* Python lives
in ``render.py``. The intermediate objects are plain frozen dataclasses so that the
templates stay free of logic.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.naming import GROUP_BY_TAG, python_name
from codegen.versions import VersionTable, parse_version, ref_name, refs
from immich._core.naming import camel_case, snake_case
from immich.versions import OLDEST_SUPPORTED

# Paged operations that also get an auto-paging iterator: (iterator name, how to page).
# (iterator name, paging strategy in immich._async._paging, item type)
PAGED_OPERATIONS: dict[str, tuple[str, str, str]] = {
    "searchAssets": ("iter_assets", "by_taken_date", "AssetResponseDto"),
    "searchSmart": ("iter_smart", "by_next_page", "AssetResponseDto"),
    "getAllPeople": ("iter_all_people", "by_has_next_page", "PersonResponseDto"),
}

# Secrets never shown in a model's repr.
SECRET_FIELDS = frozenset(
    {
        "password",
        "new_password",
        "access_token",
        "secret",
        "client_secret",
        "pin_code",
        "new_pin_code",
        "token",
        "logout_token",
        "license_key",
        "activation_key",
        "code_verifier",
        "api_key",
    }
)


# Fields that are secrets only in one model (a shared link's key opens the link).
SECRET_MODEL_FIELDS = {"SharedLinkResponseDto": frozenset({"key"})}


def load(location: str) -> dict[str, Any]:
    """Read the spec from a file path or a server URL (``.../api/spec.json``)."""
    if location.startswith(("http://", "https://")):
        with urllib.request.urlopen(location, timeout=30) as response:
            spec: dict[str, Any] = json.load(response)
    else:
        spec = json.loads(Path(location).read_text(encoding="utf-8"))
    return spec


@dataclass(frozen=True)
class History:
    """Where an operation or field stands in Immich's release history."""

    added: tuple[int, int, int] | None
    state: str | None
    deprecated_in: tuple[int, int, int] | None
    entries: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, node: dict[str, Any]) -> History:
        entries = tuple((h["version"], h["state"]) for h in node.get("x-immich-history", []))
        added = next((parse_version(v) for v, s in entries if s == "Added"), None)
        deprecated = next((parse_version(v) for v, s in entries if s == "Deprecated"), None)
        return cls(added, node.get("x-immich-state"), deprecated, entries)

    def describe(self) -> str:
        return ", ".join(f"{state} in {version}" for version, state in self.entries)


@dataclass(frozen=True)
class TypeRef:
    """A Python annotation and the generated names it needs imported."""

    annotation: str
    models: frozenset[str] = frozenset()
    uses_datetime: bool = False
    uses_any: bool = False
    is_binary: bool = False

    @property
    def expression(self) -> str:
        """The annotation as code that runs: model names through ``models``, which
        imports each on first use (a group module imports none of its own)."""
        if not self.models:
            return self.annotation
        names = "|".join(sorted(self.models, key=len, reverse=True))
        return re.sub(rf"\b({names})\b", r"models.\1", self.annotation)

    def wrap(self, template: str) -> TypeRef:
        return TypeRef(
            template.format(self.annotation),
            self.models,
            self.uses_datetime,
            self.uses_any,
            self.is_binary,
        )

    @staticmethod
    def union(options: list[TypeRef]) -> TypeRef:
        return TypeRef(
            " | ".join(o.annotation for o in options),
            frozenset().union(*(o.models for o in options)),
            any(o.uses_datetime for o in options),
            any(o.uses_any for o in options),
            any(o.is_binary for o in options),
        )


@dataclass(frozen=True)
class Field:
    name: str
    wire_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str
    history: History

    @property
    def needs_wire_override(self) -> bool:
        return camel_case(self.name) != self.wire_name

    @property
    def annotation(self) -> str:
        text = self.type.annotation
        if self.nullable:
            text += " | None"
        if not self.required:
            text += " | Unset"
        return text

    def is_secret_in(self, model: str) -> bool:
        return self.name in SECRET_FIELDS or self.name in SECRET_MODEL_FIELDS.get(model, ())


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]
    # A schema that is only another name for one model (``LicenseResponseDto``).
    alias_of: str | None = None
    # Free-form objects (``additionalProperties``) are plain dicts, not models.

    @property
    def module(self) -> str:
        return snake_case(self.name)


@dataclass(frozen=True)
class Enum:
    name: str
    description: str
    values: tuple[str | int, ...]
    is_int: bool

    @property
    def module(self) -> str:
        return snake_case(self.name)


@dataclass(frozen=True)
class Param:
    name: str
    wire_name: str
    location: str  # path, query or header
    type: TypeRef
    required: bool
    nullable: bool
    description: str

    @property
    def annotation(self) -> str:
        text = self.type.annotation
        if self.nullable:
            text += " | None"
        if not self.required:
            text += " | Unset"
        return text


@dataclass(frozen=True)
class Operation:
    operation_id: str
    name: str
    method: str
    path: str
    groups: tuple[str, ...]
    summary: str
    description: str
    params: tuple[Param, ...]
    body_model: str | None
    body_encoding: str | None  # json, multipart or form
    body_fields: tuple[Field, ...]
    body_required: bool
    # Renamed body arguments that collide with a parameter: python name -> field name.
    body_argument_names: tuple[tuple[str, str], ...]
    response: TypeRef | None
    response_kind: str  # json, jsonlines, binary, text or empty
    success_codes: tuple[int, ...]
    history: History
    deprecated: bool
    permission: str | None
    admin_only: bool
    paging: tuple[str, str, str] | None = None
    #: Its requests differ between server versions (see codegen.versions).
    varies: bool = False
    #: It needs credentials (the spec lists its security schemes); False for the few
    #: public ones (``login``, ``get_server_version``, ...).
    authenticated: bool = True

    @property
    def constant(self) -> str:
        return self.name.upper()

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def keyword_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location != "path")

    def body_argument(self, field_: Field) -> str:
        return dict((f, a) for a, f in self.body_argument_names).get(field_.name, field_.name)


@dataclass
class Api:
    version: str
    models: dict[str, Model] = field(default_factory=dict)
    enums: dict[str, Enum] = field(default_factory=dict)
    operations: list[Operation] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    table: VersionTable | None = None

    @property
    def groups(self) -> dict[str, list[Operation]]:
        grouped: dict[str, list[Operation]] = {g: [] for g in sorted(set(GROUP_BY_TAG.values()))}
        for op in self.operations:
            for group in op.groups:
                grouped[group].append(op)
        return grouped


class Resolver:
    """Turns raw schema nodes into ``TypeRef``s and component schemas into models."""

    def __init__(self, spec: dict[str, Any], table: VersionTable | None = None) -> None:
        self.spec = spec
        self.table = table
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.response_schemas = self._reachable_from_responses()

    def type_of(self, node: dict[str, Any]) -> TypeRef:
        if "$ref" in node:
            name = ref_name(node["$ref"])
            return TypeRef(name, frozenset({name}))
        for combinator in ("allOf", "anyOf", "oneOf"):
            if combinator in node:
                return TypeRef.union([self.type_of(option) for option in node[combinator]])
        kind = node.get("type")
        fmt = node.get("format")
        if kind == "string":
            if fmt == "date-time":
                return TypeRef("datetime.datetime", uses_datetime=True)
            if fmt == "date":
                return TypeRef("datetime.date", uses_datetime=True)
            if fmt == "binary":
                return TypeRef("FileInput", is_binary=True)
            return TypeRef("str")
        if kind == "integer":
            return TypeRef("int")
        if kind == "number":
            return TypeRef("float")
        if kind == "boolean":
            return TypeRef("bool")
        if kind == "array":
            items = node.get("items", {})
            item_type = self.type_of(items)
            if self.is_nullable(items):
                item_type = item_type.wrap("{} | None")
            return item_type.wrap("list[{}]")
        if kind == "object" or "additionalProperties" in node:
            return TypeRef("dict[str, Any]", uses_any=True)
        return TypeRef("Any", uses_any=True)

    def is_nullable(self, node: dict[str, Any]) -> bool:
        return bool(node.get("nullable"))

    def model(self, name: str) -> Model | Enum:
        node = self.schemas[name]
        description = (node.get("description") or "").strip()
        if "enum" in node:
            return Enum(name, description, tuple(node["enum"]), node.get("type") == "integer")
        if "$ref" in node:
            return Model(name, description, (), alias_of=ref_name(node["$ref"]))
        return Model(name, description, self.fields(name, node))

    def fields(self, owner: str, node: dict[str, Any]) -> tuple[Field, ...]:
        required = set(node.get("required", []))
        result = []
        for wire_name, prop in node.get("properties", {}).items():
            history = History.of(prop)
            is_required = wire_name in required
            nullable = self.is_nullable(prop)
            if owner in self.response_schemas:
                # What an older server sends decodes too: a field it leaves out is
                # optional, one it may send as null is nullable.
                if is_required and (
                    (history.added is not None and history.added > OLDEST_SUPPORTED)
                    or (self.table and self.table.response_field_optional(owner, wire_name))
                ):
                    is_required = False
                if self.table and self.table.response_field_nullable(owner, wire_name):
                    nullable = True
            result.append(
                Field(
                    name=python_name(wire_name),
                    wire_name=wire_name,
                    type=self.type_of(prop),
                    required=is_required,
                    nullable=nullable,
                    description=(prop.get("description") or "").strip(),
                    history=history,
                )
            )
        # Required fields first reads best; attrs' kw_only lets defaults come anywhere.
        return tuple(sorted(result, key=lambda f: (not f.required, f.name)))

    def _reachable_from_responses(self) -> set[str]:
        found: set[str] = set()
        pending = [
            ref_name(ref)
            for item in self.spec["paths"].values()
            for op in item.values()
            for ref in refs(op.get("responses", {}))
        ]
        while pending:
            name = pending.pop()
            if name not in found:
                found.add(name)
                pending.extend(ref_name(r) for r in refs(self.schemas[name]))
        return found


_BODY_ENCODINGS = {
    "application/json": "json",
    "multipart/form-data": "multipart",
    "application/x-www-form-urlencoded": "form",
}


def build(spec: dict[str, Any], table: VersionTable | None = None) -> Api:
    """The typed surface of ``spec``; ``table`` (older specs compared with it) makes
    response models take what older servers send, and marks operations whose requests
    differ between versions."""
    resolver = Resolver(spec, table)
    api = Api(version=spec["info"]["version"], tags=spec.get("tags", []), table=table)
    for name in sorted(resolver.schemas):
        item = resolver.model(name)
        if isinstance(item, Enum):
            api.enums[name] = item
        else:
            api.models[name] = item
    for path, path_item in spec["paths"].items():
        for method, node in path_item.items():
            if method == "parameters":
                continue
            api.operations.append(_operation(resolver, api, path, method, node))
    api.operations.sort(key=lambda op: op.name)
    return api


def _operation(
    resolver: Resolver, api: Api, path: str, method: str, node: dict[str, Any]
) -> Operation:
    params = tuple(
        Param(
            name=python_name(p["name"]),
            wire_name=p["name"],
            location=p["in"],
            type=resolver.type_of(p["schema"]),
            required=bool(p.get("required")) or p["in"] == "path",
            nullable=resolver.is_nullable(p["schema"]),
            description=(p.get("description") or "").strip(),
        )
        for p in node.get("parameters", [])
    )
    body_model = body_encoding = None
    body_fields: tuple[Field, ...] = ()
    body_required = False
    renames: list[tuple[str, str]] = []
    if body := node.get("requestBody"):
        content_type, content = next(iter(body["content"].items()))
        body_encoding = _BODY_ENCODINGS[content_type]
        body_model = ref_name(content["schema"]["$ref"])
        body_fields = api.models[body_model].fields
        body_required = bool(body.get("required"))
        taken = {p.name for p in params}
        renames = [(f"body_{f.name}", f.name) for f in body_fields if f.name in taken]
    response, kind, codes = _response(resolver, node["responses"])
    paging = PAGED_OPERATIONS.get(node["operationId"])
    return Operation(
        operation_id=node["operationId"],
        name=snake_case(node["operationId"]),
        method=method.upper(),
        path=path,
        groups=tuple(GROUP_BY_TAG[t] for t in node.get("tags", [])),
        summary=(node.get("summary") or "").strip(),
        description=(node.get("description") or "").strip(),
        params=tuple(sorted(params, key=lambda p: _param_order(p, path))),
        body_model=body_model,
        body_encoding=body_encoding,
        body_fields=body_fields,
        body_required=body_required,
        body_argument_names=tuple(renames),
        response=response,
        response_kind=kind,
        success_codes=codes,
        history=History.of(node),
        deprecated=bool(node.get("deprecated")),
        permission=node.get("x-immich-permission"),
        admin_only=bool(node.get("x-immich-admin-only")),
        paging=paging,
        varies=bool(resolver.table and node["operationId"] in resolver.table.varying_requests),
        authenticated=bool(node.get("security")),
    )


def _param_order(param: Param, path: str) -> tuple[int, int]:
    """Path parameters first, in the order the URL has them; then required ones."""
    if param.location == "path":
        return 0, path.index("{" + param.wire_name + "}")
    return (1 if param.required else 2), 0


def _response(
    resolver: Resolver, responses: dict[str, Any]
) -> tuple[TypeRef | None, str, tuple[int, ...]]:
    codes = tuple(sorted(int(c) for c in responses if c.startswith("2")))
    for code in map(str, codes):
        content = responses[code].get("content") or {}
        if "application/json" in content:
            return resolver.type_of(content["application/json"]["schema"]), "json", codes
        if "application/jsonlines+json" in content:
            return None, "jsonlines", codes  # decoded line by line: immich._core.sync
        if "application/octet-stream" in content:
            return None, "binary", codes
        if content:
            return None, "text", codes
    return None, "empty", codes
