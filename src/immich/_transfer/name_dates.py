"""Dates in file names, for files that carry none inside (``upload(date_from_name=True)``).

Immich dates an asset by the date in its metadata (EXIF, a video's container, an XMP
sidecar) and, when there is none, by the earlier of the file's creation and
modification times. Copied, downloaded and messaged files have lost those times; their
names often still say when they were taken. The rules, tried in this order:

================  ==========================================  =====================
rule              example                                     date
================  ==========================================  =====================
``whatsapp``      ``IMG-20240501-WA0007.jpg``, ``VID-...``    the day, at 00:00:00
``date-time``     ``IMG_20240501_102030.jpg``,                 2024-05-01 10:20:30
                  ``PXL_20240501_102030123.jpg``,
                  ``20240501_102030.mp4``, ``20240501102030``
``dashed``        ``2024-05-01 10.20.30.jpg`` (Dropbox),       2024-05-01 10:20:30
                  ``2024-05-01_10-20-30``, ``Screenshot
                  2024-05-01 at 10.20.30.png``,
                  ``Screenshot_2024-05-01-10-20-30-123_...``
================  ==========================================  =====================

A name's date is a local time, as a camera's clock shows it; Immich keeps such a time
as it is (as it does an EXIF date without an offset). Years 1990 to next year count;
impossible dates (month 13, 25 o'clock) are no dates.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Literal

import attrs

NameRule = Literal["whatsapp", "date-time", "dashed"]

_WHATSAPP = re.compile(r"^(?:IMG|VID|AUD|PTT|STK|DOC)-(\d{4})(\d{2})(\d{2})-WA\d+", re.I)
# Eight digits of date, an optional separator, six of time, optional milliseconds; no
# digits around (a longer number is something else).
_DATE_TIME = re.compile(
    r"(?<!\d)(\d{4})(\d{2})(\d{2})[_\-T ]?(\d{2})(\d{2})(\d{2})(?:\d{3})?(?!\d)"
)
_DASHED = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[ _T]|-|\sat\s)(\d{2})[.\-:_](\d{2})[.\-:_](\d{2})(?!\d{3,})"
)


@attrs.frozen
class NameDate:
    """A date read from a file name, and the rule that read it."""

    taken: datetime  # naive: a local time
    rule: NameRule


def date_from_name(name: str, *, now: datetime | None = None) -> NameDate | None:
    """The date ``name`` (a file name, with or without extension) gives, if any."""
    stem = name.rsplit("/", 1)[-1]
    latest = (now or datetime.now(timezone.utc)).year + 1
    matched = _WHATSAPP.match(stem)
    if matched is not None:
        found = _valid(latest, *matched.groups(), "0", "0", "0")
        return NameDate(found, "whatsapp") if found else None
    for rule, pattern in (("dashed", _DASHED), ("date-time", _DATE_TIME)):
        for matched in pattern.finditer(stem):
            found = _valid(latest, *matched.groups())
            if found is not None:
                return NameDate(found, rule)  # type: ignore[arg-type]
    return None


def _valid(latest: int, *parts: str) -> datetime | None:
    year, month, day, hour, minute, second = map(int, parts)
    if not 1990 <= year <= latest:
        return None
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def as_upload_time(taken: datetime) -> datetime:
    """A name's local time as the upload sends it: the same clock time, marked UTC, the
    way Immich stores a time without offset (so the app shows the time the name says)."""
    return taken.replace(tzinfo=timezone.utc)
