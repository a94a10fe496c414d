"""Wire-format helpers shared by every route: ids, timestamps and checksums as Immich writes them."""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime as format_rfc2822

# Immich 3 validates ids as version 4 UUIDs (zod's uuidv4), and so does the fake.
_UUID_SHAPE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
# Accepts what Immich's zod schemas accept: a date, then an optional time with optional
# fraction and zone. Python 3.10's fromisoformat is stricter, so this does the splitting.
_ISO_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?$"
)
SHA1_LENGTH = 20


def new_id() -> str:
    """A fresh id: version 4, because the spec's uuid patterns accept nothing else."""
    return str(uuid.uuid4())


def new_secret(nbytes: int = 32) -> str:
    """A ``secrets.token_urlsafe`` key, token or password that does not start with "-",
    which would read as an option on a command line (the Immich CLI's ``login`` takes it)."""
    while True:
        token = secrets.token_urlsafe(nbytes)
        if not token.startswith("-"):
            return token


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID_SHAPE.match(value) is not None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def format_datetime(moment: datetime) -> str:
    """ISO 8601 with milliseconds and ``Z``, the way JavaScript's toISOString writes it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def format_http_date(moment: datetime) -> str:
    return format_rfc2822(moment.astimezone(timezone.utc), usegmt=True)


def parse_datetime(text: str) -> datetime | None:
    """Parses an ISO 8601 date or datetime; a value without a zone is taken as UTC."""
    match = _ISO_DATETIME.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    microseconds = int((fraction or "0")[:6].ljust(6, "0"))
    zone_info = timezone.utc
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        zone_info = timezone(offset if zone[0] == "+" else -offset)
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            microseconds,
            tzinfo=zone_info,
        )
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


def checksum_to_base64(digest: bytes) -> str:
    """Immich reports checksums as the base64 of the raw SHA-1 digest."""
    return base64.b64encode(digest).decode("ascii")


def parse_checksum(text: str) -> bytes | None:
    """A SHA-1 digest given as 40 hex digits or 28 base64 characters, as clients send it."""
    text = text.strip()
    try:
        if len(text) == 2 * SHA1_LENGTH:
            digest = bytes.fromhex(text)
        elif len(text) == 28:
            digest = base64.b64decode(text, validate=True)
        else:
            return None
    except (ValueError, binascii.Error):
        return None
    return digest if len(digest) == SHA1_LENGTH else None
