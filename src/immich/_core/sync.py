"""The sync protocol's data: JSON lines in, typed :class:`SyncEvent` objects out; acks.

``POST /sync/stream`` answers ``application/jsonlines+json``, one
``{"type", "data", "ack"}`` object per line. ``type`` is a ``SyncEntityType``
(``AssetV2``, ``AlbumToAssetDeleteV1``, ``SyncCompleteV1``, ...); :data:`SYNC_ITEMS`
says which model of the spec its ``data`` is (the server's ``SyncItem`` map). An ack is
``Type|updateId`` or ``Type|updateId|extra`` (``server/src/utils/sync.ts``).

Nothing here sends: ``immich._async._helpers`` streams the lines through the client's
one send path and hands each to :func:`decode_line`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs

from immich._core import json_codec as _json
from immich._errors import ImmichError

#: The model of each entity type's ``data``: the ``SyncItem`` maps of
#: ``server/src/dtos/sync.dto.ts`` in 3.0.3 and in 2.7.5 together (2.x sends the V1
#: asset types, 3.x their V2 twins). ``codegen/corrections.py`` describes the stream's
#: lines in the spec from this table. A type missing here still comes through, with its
#: data as a plain dict.
SYNC_ITEMS: dict[str, str] = {
    "AuthUserV1": "SyncAuthUserV1",
    "UserV1": "SyncUserV1",
    "UserDeleteV1": "SyncUserDeleteV1",
    "PartnerV1": "SyncPartnerV1",
    "PartnerDeleteV1": "SyncPartnerDeleteV1",
    "AssetV1": "SyncAssetV1",
    "AssetV2": "SyncAssetV2",
    "AssetDeleteV1": "SyncAssetDeleteV1",
    "AssetMetadataV1": "SyncAssetMetadataV1",
    "AssetMetadataDeleteV1": "SyncAssetMetadataDeleteV1",
    "AssetExifV1": "SyncAssetExifV1",
    "AssetOcrV1": "SyncAssetOcrV1",
    "AssetOcrDeleteV1": "SyncAssetOcrDeleteV1",
    "AssetEditV1": "SyncAssetEditV1",
    "AssetEditDeleteV1": "SyncAssetEditDeleteV1",
    "PartnerAssetV1": "SyncAssetV1",
    "PartnerAssetV2": "SyncAssetV2",
    "PartnerAssetBackfillV1": "SyncAssetV1",
    "PartnerAssetBackfillV2": "SyncAssetV2",
    "PartnerAssetDeleteV1": "SyncAssetDeleteV1",
    "PartnerAssetExifV1": "SyncAssetExifV1",
    "PartnerAssetExifBackfillV1": "SyncAssetExifV1",
    "AlbumV1": "SyncAlbumV1",
    "AlbumV2": "SyncAlbumV2",
    "AlbumDeleteV1": "SyncAlbumDeleteV1",
    "AlbumUserV1": "SyncAlbumUserV1",
    "AlbumUserBackfillV1": "SyncAlbumUserV1",
    "AlbumUserDeleteV1": "SyncAlbumUserDeleteV1",
    "AlbumAssetCreateV1": "SyncAssetV1",
    "AlbumAssetCreateV2": "SyncAssetV2",
    "AlbumAssetUpdateV1": "SyncAssetV1",
    "AlbumAssetUpdateV2": "SyncAssetV2",
    "AlbumAssetBackfillV1": "SyncAssetV1",
    "AlbumAssetBackfillV2": "SyncAssetV2",
    "AlbumAssetExifCreateV1": "SyncAssetExifV1",
    "AlbumAssetExifUpdateV1": "SyncAssetExifV1",
    "AlbumAssetExifBackfillV1": "SyncAssetExifV1",
    "AlbumToAssetV1": "SyncAlbumToAssetV1",
    "AlbumToAssetBackfillV1": "SyncAlbumToAssetV1",
    "AlbumToAssetDeleteV1": "SyncAlbumToAssetDeleteV1",
    "MemoryV1": "SyncMemoryV1",
    "MemoryDeleteV1": "SyncMemoryDeleteV1",
    "MemoryToAssetV1": "SyncMemoryAssetV1",
    "MemoryToAssetDeleteV1": "SyncMemoryAssetDeleteV1",
    "StackV1": "SyncStackV1",
    "StackDeleteV1": "SyncStackDeleteV1",
    "PartnerStackBackfillV1": "SyncStackV1",
    "PartnerStackDeleteV1": "SyncStackDeleteV1",
    "PartnerStackV1": "SyncStackV1",
    "PersonV1": "SyncPersonV1",
    "PersonDeleteV1": "SyncPersonDeleteV1",
    "AssetFaceV1": "SyncAssetFaceV1",
    "AssetFaceV2": "SyncAssetFaceV2",
    "AssetFaceDeleteV1": "SyncAssetFaceDeleteV1",
    "UserMetadataV1": "SyncUserMetadataV1",
    "UserMetadataDeleteV1": "SyncUserMetadataDeleteV1",
    "SyncAckV1": "SyncAckV1",
    "SyncCompleteV1": "SyncCompleteV1",
    "SyncResetV1": "SyncResetV1",
}

#: What ``POST /sync/ack`` takes at most in one call (``SyncAckSetDto``).
MAX_ACKS_PER_CALL = 1000


class Ack(NamedTuple):
    """An ack's parts: ``AssetV2|0192...`` is ``Ack("AssetV2", "0192...", None)``."""

    type: str
    update_id: str
    extra: str | None = None

    @classmethod
    def parse(cls, ack: str) -> Ack:
        type_, _, rest = ack.partition("|")
        update_id, sep, extra = rest.partition("|")
        if not type_ or not update_id:
            raise ValueError(f"not a sync ack (Type|updateId[|extra]): {ack!r}")
        return cls(type_, update_id, extra if sep else None)

    def __str__(self) -> str:
        return "|".join(p for p in (self.type, self.update_id, self.extra) if p is not None)


@attrs.frozen(repr=False)
class SyncEvent:
    """One line of the sync stream.

    Attributes:
        type: The entity type, a :class:`~immich.models.SyncEntityType` (a type this SDK
            does not know yet is a member that equals the plain string).
        ack: What to send back once the change is stored (``client.sync.ack(event)``).
        raw: The line's ``data`` as the server sent it, fields the SDK does not know
            included.
    """

    type: Any
    ack: str
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    _decoded: list[Any] = attrs.field(factory=list, init=False, eq=False)

    @property
    def data(self) -> Any:
        """The line's ``data`` decoded into the spec's model for its type (``AssetV2`` ->
        :class:`~immich.models.SyncAssetV2`), or the plain dict for a type the SDK does
        not know. Decoded when first read (a consumer that reads ``raw`` only, such as
        the mirror, pays nothing for it); data that does not fit its model raises
        :class:`SyncLineError`."""
        if not self._decoded:
            self._decoded.append(_structure(str(self.type), self.raw))
        return self._decoded[0]

    @property
    def is_known(self) -> bool:
        """Whether the SDK knows this type (``data`` is a model)."""
        return str(self.type) in SYNC_ITEMS

    @property
    def parsed_ack(self) -> Ack:
        return Ack.parse(self.ack)

    def __repr__(self) -> str:
        try:
            data = self.data
        except SyncLineError:
            data = dict(self.raw)
        return f"SyncEvent(type={str(self.type)!r}, ack={self.ack!r}, data={data!r})"


@functools.cache
def _entity_type() -> Any:
    from immich.models.sync_entity_type import SyncEntityType

    return SyncEntityType


@functools.cache
def model_of(entity_type: str) -> type | None:
    """The model class of an entity type's ``data``, or None for a type not in the table."""
    name = SYNC_ITEMS.get(entity_type)
    if name is None:
        return None
    import immich.models

    model: type = getattr(immich.models, name)
    return model


class SyncLineError(ImmichError, ValueError):
    """A line of the sync stream that is not a sync event, or whose data does not fit
    the model of its type (the message says which)."""


def _structure(type_name: str, raw: Mapping[str, Any]) -> Any:
    model = model_of(type_name)
    if model is None:
        return dict(raw)
    import cattrs

    from immich._core.converter import converter

    try:
        return converter.structure(raw, model)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as exc:
        raise SyncLineError(
            f"the data of a {type_name} line does not fit {model.__name__}: {exc!r}"
        ) from exc


def decode_line(line: bytes | str) -> SyncEvent:
    """One JSON line of the stream as a :class:`SyncEvent` (its data decoded when first
    read); raises :class:`SyncLineError` for a line that is not a sync event."""
    try:
        item = _json.loads(line)
    except ValueError as exc:
        raise SyncLineError(f"a line of the sync stream is not JSON: {exc}") from None
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        raise SyncLineError("a line of the sync stream has no type")
    type_name = item["type"]
    raw = item.get("data")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise SyncLineError(f"the data of a {type_name} line is not an object")
    ack = item.get("ack")
    if not isinstance(ack, str):
        raise SyncLineError(f"a {type_name} line has no ack")
    return SyncEvent(_entity_type()(type_name), ack, raw)


def decode_lines(body: bytes) -> list[SyncEvent]:
    """Every line of a whole stream's body."""
    return [decode_line(line) for line in body.splitlines() if line.strip()]


class LineSplitter:
    """Chunks of a body in, complete lines out: what arrives is held only until its line
    ends (the stream is read in constant memory, whatever its length)."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        start = 0
        end = chunk.find(b"\n")
        if end < 0:
            self._pending += chunk
            return
        while end >= 0:
            if self._pending:
                self._pending += chunk[start:end]
                line = bytes(self._pending)
                self._pending.clear()
            else:
                line = chunk[start:end]
            if line.strip():
                yield line
            start = end + 1
            end = chunk.find(b"\n", start)
        self._pending += chunk[start:]

    def rest(self) -> bytes | None:
        """What came after the last newline: a last line without one, or None."""
        line = bytes(self._pending).strip()
        self._pending.clear()
        return line or None


def ack_calls(items: Iterable[SyncEvent | Ack | str]) -> list[list[str]]:
    """The ``POST /sync/ack`` calls that acknowledge ``items`` (events, :class:`Ack` s or
    ack strings, in the order they came).

    The server keeps the last ack of each type in a call, so only the last of each type
    is sent. A ``SyncResetV1`` ack clears every checkpoint (and the server ignores the
    rest of its call): it goes alone, the acks before it are dropped (it clears them),
    those after it follow in a call of their own. Never an empty call (the server answers
    500 to one).
    """
    last: dict[str, str] = {}
    reset: str | None = None
    for item in items:
        text = item.ack if isinstance(item, SyncEvent) else str(item)
        key = Ack.parse(text).type
        if key == "SyncResetV1":
            reset, last = text, {}
            continue
        last.pop(key, None)
        last[key] = text
    values = list(last.values())
    calls = [values[i : i + MAX_ACKS_PER_CALL] for i in range(0, len(values), MAX_ACKS_PER_CALL)]
    return ([[reset]] if reset is not None else []) + calls
