"""JSON encoding and decoding: orjson when it is installed, the standard library otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

loads: Callable[[bytes | str], Any]
dumps: Callable[[Any], bytes]

try:
    import orjson
except ImportError:
    loads = json.loads

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

else:
    loads = orjson.loads
    dumps = orjson.dumps

JSONDecodeError = ValueError  # both json.JSONDecodeError and orjson.JSONDecodeError derive from it
