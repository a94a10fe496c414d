"""What differs between the API of the newest spec and of older ones: the version table.

The newest spec is the typed surface (models, methods). Each older spec is read only to
learn, per operation, parameter, schema field and enum value, in which releases it exists
and in what form, so that requests can follow the server's version and responses of any
version decode into the newest models. Only differences are recorded; the rendered table
is ``immich._core.version_table``.

Type changes are compared by meaning (``number`` and ``integer`` are one JSON number, an
inline enum and a referenced one are one string). A change the runtime cannot convert
fails the generation: it needs a conversion in ``WIRE_FORMS`` and in ``immich._core.compat``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    """``v2.5.0`` -> (2, 5, 0); the spec's shorthand ``v1`` -> (1, 0, 0)."""
    major, minor, patch = ([int(p) for p in text.lstrip("v").split(".")] + [0, 0])[:3]
    return major, minor, patch


# (field name, type in the older spec, type in the newer) -> the older wire form's name,
# converted both ways by immich._core.compat.
WIRE_FORMS = {("duration", "string", "integer"): "duration_text"}


@dataclass
class FieldHistory:
    """One schema field across the specs: where it exists, is required or nullable, and
    where its wire form is not the newest spec's."""

    present: tuple[Version, ...]
    required: tuple[Version, ...]
    nullable: tuple[Version, ...]
    forms: dict[Version, str] = field(default_factory=dict)


@dataclass
class VersionTable:
    versions: tuple[Version, ...]
    #: operationId -> the versions that have it, for operations some version lacks.
    operations: dict[str, tuple[Version, ...]] = field(default_factory=dict)
    #: (operationId, wire name) -> the versions that have the parameter, for parameters
    #: some version lacks.
    parameters: dict[tuple[str, str], tuple[Version, ...]] = field(default_factory=dict)
    #: schema -> wire name -> history, for fields that differ between versions.
    fields: dict[str, dict[str, FieldHistory]] = field(default_factory=dict)
    #: enum -> value -> the versions that have it, for values some version lacks.
    enum_values: dict[str, dict[str, tuple[Version, ...]]] = field(default_factory=dict)
    #: operationIds whose requests differ between versions (parameters, body fields or
    #: enum values sent): the client asks the server's version before sending them.
    varying_requests: set[str] = field(default_factory=set)

    def field(self, schema: str, wire_name: str) -> FieldHistory | None:
        return self.fields.get(schema, {}).get(wire_name)

    def response_field_optional(self, schema: str, wire_name: str) -> bool:
        """A field required by the newest spec that some older server leaves out."""
        history = self.field(schema, wire_name)
        return history is not None and set(history.required) != set(self.versions)

    def response_field_nullable(self, schema: str, wire_name: str) -> bool:
        history = self.field(schema, wire_name)
        return history is not None and bool(history.nullable)


def spec_version(spec: dict[str, Any]) -> Version:
    return parse_version(spec["info"]["version"])


def compare(newest: dict[str, Any], older: list[dict[str, Any]]) -> VersionTable:
    specs = sorted([newest, *older], key=spec_version)
    versions = tuple(spec_version(s) for s in specs)
    table = VersionTable(versions)
    schemas = {spec_version(s): s["components"]["schemas"] for s in specs}
    operations = {spec_version(s): _operations(s) for s in specs}
    newest_version = spec_version(newest)

    for operation_id, (_, _, node) in operations[newest_version].items():
        having = tuple(v for v in versions if operation_id in operations[v])
        if having != versions:
            table.operations[operation_id] = having
        for param in node.get("parameters", []):
            have_param = tuple(
                v for v in having if _param(operations[v][operation_id][2], param["name"])
            )
            if have_param != having:
                table.parameters[(operation_id, param["name"])] = have_param
        _check_required_params(operation_id, node, operations, having)

    counterparts = {
        v: _counterparts(operations[newest_version], operations[v], schemas, v) for v in versions
    }
    for name, node in schemas[newest_version].items():
        older = {v: schemas[v].get(counterparts[v].get(name, name)) for v in versions}
        if "enum" in node:
            # (Where a version has no such enum, its values were written out inline.)
            applicable = tuple(v for v in versions if older[v] is not None)
            values = {
                str(value): tuple(v for v in applicable if value in older[v].get("enum", []))  # type: ignore[union-attr]
                for value in node["enum"]
            }
            differing = {value: having for value, having in values.items() if having != applicable}
            if differing:
                table.enum_values[name] = differing
            continue
        histories = _field_histories(name, older, schemas, versions)
        if histories:
            table.fields[name] = histories

    varying_schemas = _varying_schemas(table, schemas[newest_version])
    for operation_id, (_, _, node) in operations[newest_version].items():
        params_vary = any(key[0] == operation_id for key in table.parameters)
        param_enums = {
            ref_name(r) for p in node.get("parameters", []) for r in refs(p.get("schema", {}))
        }
        body_refs = {ref_name(r) for r in refs(node.get("requestBody", {}))}
        if (
            operation_id in table.operations
            or params_vary
            or (body_refs | param_enums) & varying_schemas
        ):
            table.varying_requests.add(operation_id)
    return table


def _operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        node["operationId"]: (method.upper(), path, node)
        for path, item in spec["paths"].items()
        for method, node in item.items()
        if method != "parameters"
    }


def _param(node: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in node.get("parameters", []) if p["name"] == name), None)


def _check_required_params(
    operation_id: str,
    node: dict[str, Any],
    operations: dict[Version, dict[str, tuple[str, str, dict[str, Any]]]],
    having: tuple[Version, ...],
) -> None:
    """An older release that requires a parameter the newest does not know could not be
    served: say so at generation time rather than let its calls fail."""
    newest = {p["name"] for p in node.get("parameters", [])}
    for version in having:
        for param in operations[version][operation_id][2].get("parameters", []):
            if param.get("required") and param["name"] not in newest:
                raise ValueError(
                    f"{operation_id}: {'.'.join(map(str, version))} requires the parameter "
                    f"{param['name']!r}, which the newest spec lacks; teach immich._core.compat to send it"
                )


def _counterparts(
    newest: dict[str, tuple[str, str, dict[str, Any]]],
    older: dict[str, tuple[str, str, dict[str, Any]]],
    schemas: dict[Version, dict[str, Any]],
    version: Version,
) -> dict[str, str]:
    """Newest schema name -> its name in ``version`` where it was renamed
    (``ApiKeyCreateDto`` was ``APIKeyCreateDto``): what the same operations and fields use."""
    pairs: list[tuple[str, str]] = []
    for operation_id, (_, _, node) in newest.items():
        if operation_id in older:
            old_node = older[operation_id][2]
            for part in ("requestBody", "responses"):
                pairs += _paired_refs(node.get(part, {}), old_node.get(part, {}))
    found: dict[str, str] = {}
    newest_schemas = schemas[max(schemas)]
    while pairs:
        new, old = pairs.pop()
        if new in found or old not in schemas[version] or new not in newest_schemas:
            continue
        if new != old and new in schemas[version]:
            continue  # a schema of the same name is its own counterpart
        found[new] = old
        new_props = newest_schemas[new].get("properties", {})
        old_props = schemas[version][old].get("properties", {})
        for wire in new_props.keys() & old_props.keys():
            pairs += _paired_refs(new_props[wire], old_props[wire])
    return {new: old for new, old in found.items() if new != old}


def _paired_refs(new: Any, old: Any) -> list[tuple[str, str]]:
    """The schemas two nodes refer to, paired in the order they come (a node that
    names no schema pairs none)."""
    return list(zip(map(ref_name, refs(new)), map(ref_name, refs(old)), strict=False))


def _field_histories(
    name: str,
    nodes: dict[Version, dict[str, Any] | None],
    schemas: dict[Version, dict[str, Any]],
    versions: tuple[Version, ...],
) -> dict[str, FieldHistory]:
    """The fields of schema ``name`` (``nodes``: it in each version, None where that
    version has no such schema, which then never sends or takes it)."""
    versions = tuple(v for v in versions if nodes[v] is not None)
    newest = nodes[versions[-1]]
    assert newest is not None
    wire_names = dict.fromkeys(
        wire for node in nodes.values() if node for wire in node.get("properties", {})
    )
    histories = {}
    for wire in wire_names:
        present = tuple(v for v in versions if wire in nodes[v].get("properties", {}))  # type: ignore[union-attr]
        required = tuple(v for v in present if wire in nodes[v].get("required", []))
        nullable = tuple(v for v in present if _nullable(nodes[v]["properties"][wire]))
        forms: dict[Version, str] = {}
        if wire in newest.get("properties", {}):
            new_type = _meaning(newest["properties"][wire], schemas[versions[-1]])
            for v in present[:-1]:  # the newest is last: it has the field
                old_type = _meaning(nodes[v]["properties"][wire], schemas[v])  # type: ignore[index]
                if old_type != new_type and not _compatible_models(old_type, new_type, schemas, v):
                    forms[v] = _wire_form(name, wire, old_type, new_type)
        history = FieldHistory(present, required, nullable, forms)
        if present != versions or required not in ((), present) or _differs(history):
            histories[wire] = history
    return histories


def _differs(history: FieldHistory) -> bool:
    return bool(history.forms) or history.nullable not in ((), history.present)


def _nullable(node: dict[str, Any]) -> bool:
    return bool(node.get("nullable"))


def _meaning(node: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """A property's type, with what does not change the JSON on the wire left out."""
    if "allOf" in node and len(node["allOf"]) == 1:
        return _meaning(node["allOf"][0], schemas)
    if "enum" in node:
        return "enum"
    if "$ref" in node:
        target = ref_name(node["$ref"])
        return "enum" if "enum" in schemas.get(target, {}) else ("model", target)
    kind = node.get("type")
    if kind == "number":
        kind = "integer"
    if kind == "array":
        return ("array", _meaning(node.get("items", {}), schemas))
    if kind == "string" and node.get("format") in ("date-time", "date", "binary"):
        return ("string", node["format"])
    return kind


def _compatible_models(
    old: Any, new: Any, schemas: dict[Version, dict[str, Any]], version: Version
) -> bool:
    """A model renamed or reshaped so that the older one carries every field the newer
    one requires (2.7.5's ``PersonWithFacesResponseDto`` for ``PersonResponseDto``)."""
    if isinstance(old, tuple) and isinstance(new, tuple) and old[0] == new[0] == "array":
        return _compatible_models(old[1], new[1], schemas, version)
    if not (isinstance(old, tuple) and isinstance(new, tuple) and old[0] == new[0] == "model"):
        return False
    newest = schemas[max(schemas)][new[1]]
    older = schemas[version].get(old[1], {})
    return set(newest.get("required", [])) <= set(older.get("properties", {}))


def _wire_form(schema: str, wire: str, old: Any, new: Any) -> str:
    if isinstance(old, tuple) and isinstance(new, tuple) and old[0] == new[0] == "array":
        old, new = old[1], new[1]
    form = (
        WIRE_FORMS.get((wire, old, new)) if isinstance(old, str) and isinstance(new, str) else None
    )
    if form is None:
        raise ValueError(
            f"{schema}.{wire} changed from {old!r} to {new!r} between versions: add a "
            "conversion to codegen.versions.WIRE_FORMS and immich._core.compat"
        )
    return form


def _varying_schemas(table: VersionTable, schemas: dict[str, Any]) -> set[str]:
    """Schemas whose JSON differs between versions, directly or through a field."""
    varying = set(table.fields) | set(table.enum_values)
    changed = True
    while changed:
        changed = False
        for name, node in schemas.items():
            if name not in varying and {ref_name(r) for r in refs(node)} & varying:
                varying.add(name)
                changed = True
    return varying


def ref_name(ref: str) -> str:
    """The schema a ``$ref`` names (``#/components/schemas/X`` -> ``X``)."""
    return ref.rsplit("/", 1)[-1]


def refs(node: Any) -> list[str]:
    """Every ``$ref`` anywhere in ``node``."""
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []
