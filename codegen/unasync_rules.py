"""The blocking tree from the async one: unasync's defaults plus a short list of our own.

Like httpcore's ``scripts/unasync.py``: ``src/immich/_async`` -> ``src/immich/_sync`` and
``tests/_async`` -> ``tests/_sync`` (and ``tests/e2e``'s). Besides the pairs below, any name ``AsyncX`` becomes
``X`` (unasync alone would make it ``SyncX``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import unasync

TREES = (
    ("src/immich/_async", "src/immich/_sync"),
    ("tests/_async", "tests/_sync"),
    ("tests/e2e/_async", "tests/e2e/_sync"),
)

REPLACEMENTS = {
    "_async": "_sync",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "aiter_raw": "iter_raw",
    "aread": "read",
    "async_sleep": "sleep",
    "async_default_transport": "default_transport",
    "async_to_thread": "to_thread",
    "async_map_concurrently": "map_concurrently",
    "handle_async_request": "handle_request",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "AsyncMethod": "Method",
    "aenter": "enter",
    "async_transport": "transport",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
}


# Docstrings and comments are prose that unasync leaves alone; "await client.x()" in a
# docstring of the blocking client would mislead.
_PROSE = [
    (re.compile(r"\bawait\s+"), ""),
    (re.compile(r"\basync\s+(with|for|def)\b"), r"\1"),
    (re.compile(r"\basyncio\.run\((.*?)\)"), r"\1"),
]
_WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


class _Rule(unasync.Rule):  # type: ignore[misc]
    def __init__(self, fromdir: str, todir: str, *, prose: bool) -> None:
        super().__init__(fromdir, todir, REPLACEMENTS)
        self.prose = prose

    def _unasync_tokens(self, tokens: Iterable[Any]) -> Iterator[Any]:
        for token in super()._unasync_tokens(tokens):
            if self.prose and token.name in ("STRING", "COMMENT"):
                token = token._replace(src=self._unasync_prose(token.src))
            yield token

    def _unasync_prose(self, text: str) -> str:
        for pattern, replacement in _PROSE:
            text = pattern.sub(replacement, text)
        return _WORD.sub(lambda m: self._unasync_name(m.group(0)), text)

    def _unasync_name(self, name: str) -> str:
        if name in self.token_replacements:
            return str(self.token_replacements[name])
        if len(name) > 5 and name.startswith("Async") and name[5].isupper():
            return name[5:]
        return name


def unasync_tree(root: Path, trees: tuple[tuple[str, str], ...] = TREES) -> list[Path]:
    """Rewrite each ``_async`` tree under ``root`` into its ``_sync`` twin; returns the outputs."""
    written = []
    for source, target in trees:
        source_dir, target_dir = root / source, root / target
        if not source_dir.is_dir():
            continue
        # The package's docs describe the client in hand; the tests' prose names both on purpose.
        rule = _Rule(str(source_dir) + "/", str(target_dir) + "/", prose=source.startswith("src/"))
        files = sorted(str(p) for p in source_dir.rglob("*.py"))
        unasync.unasync_files(files, [rule])
        written += [Path(f.replace(str(source_dir), str(target_dir))) for f in files]
    return written
