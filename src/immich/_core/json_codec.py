"""JSON encoding and decoding: orjson when it is installed, the standard library otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

loads: Callable[[bytes | str], Any]
dumps: Callable[[Any], bytes]
#: An object as indented UTF-8 JSON ending in a newline, for files people read.
dumps_indented: Callable[[dict[str, Any]], bytes]

try:
    import orjson
except ImportError:
    loads = json.loads

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

    def dumps_indented(value: dict[str, Any]) -> bytes:
        # One key a line, its value on that line, by the standard library's C encoder
        # (an indent would take its pure-Python one, six times slower).
        encode = json.JSONEncoder(ensure_ascii=False).encode
        lines = [f"  {encode(key)}: {encode(item)}" for key, item in value.items()]
        return ("{\n" + ",\n".join(lines) + "\n}\n").encode()

else:
    loads = orjson.loads
    dumps = orjson.dumps

    def dumps_indented(value: dict[str, Any]) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


JSONDecodeError = ValueError  # both json.JSONDecodeError and orjson.JSONDecodeError derive from it
