"""The capture date in a JPEG's EXIF, read as Immich reads it (``DateTimeOriginal``, else
``CreateDate``, with ``OffsetTimeOriginal``/``OffsetTimeDigitized`` when the camera wrote
one). Only what the fake needs: no other tags, no other formats."""

from __future__ import annotations

import re
import struct
from datetime import datetime, timedelta

_EXIF_IFD = 0x8769
_DATE_TAGS = ((0x9003, 0x9011), (0x9004, 0x9012))  # (date tag, its offset tag)
_DATE = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")


def read_exif_date(data: bytes) -> tuple[datetime, timedelta | None] | None:
    """(the local capture time, its UTC offset if known) from a JPEG's first bytes."""
    tiff = _app1_tiff(data)
    if tiff is None:
        return None
    try:
        tags = _exif_strings(tiff)
    except (struct.error, IndexError, ValueError):
        return None
    for date_tag, offset_tag in _DATE_TAGS:
        match = _DATE.match(tags.get(date_tag, ""))
        if match is None:
            continue
        try:
            year, month, day, hour, minute, second = map(int, match.groups())
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue
        offset = None
        found = _OFFSET.match(tags.get(offset_tag, ""))
        if found is not None:
            sign, hours, minutes = found.groups()
            offset = timedelta(hours=int(hours), minutes=int(minutes))
            if sign == "-":
                offset = -offset
        return local, offset
    return None


def _app1_tiff(data: bytes) -> bytes | None:
    """The TIFF structure in the JPEG's ``Exif`` APP1 segment."""
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no more metadata
            return None
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segment = data[position + 4 : position + 2 + length]
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            return segment[6:]
        position += 2 + length
    return None


def _exif_strings(tiff: bytes) -> dict[int, str]:
    """ASCII tags of IFD0 and of the EXIF IFD it points to."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        return {}
    (ifd0,) = struct.unpack_from(order + "I", tiff, 4)
    found: dict[int, str] = {}
    pending = [ifd0]
    seen: set[int] = set()
    while pending:
        offset = pending.pop()
        if offset in seen or offset + 2 > len(tiff):
            continue
        seen.add(offset)
        (count,) = struct.unpack_from(order + "H", tiff, offset)
        for index in range(count):
            entry = offset + 2 + 12 * index
            tag, kind, items = struct.unpack_from(order + "HHI", tiff, entry)
            if tag == _EXIF_IFD:
                pending.append(struct.unpack_from(order + "I", tiff, entry + 8)[0])
            elif kind == 2:  # ASCII
                if items <= 4:
                    raw = tiff[entry + 8 : entry + 8 + items]
                else:
                    (start,) = struct.unpack_from(order + "I", tiff, entry + 8)
                    raw = tiff[start : start + items]
                found[tag] = raw.split(b"\x00", 1)[0].decode("ascii", "replace")
    return found
