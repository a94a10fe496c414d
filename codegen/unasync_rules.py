"""The blocking tree from the async one: unasync's defaults plus a short list of our own.

Like httpcore's ``scripts/unasync.py``: ``src/immich/_async`` -> ``src/immich/_sync`` and
``tests/_async`` -> ``tests/_sync``. Besides the pairs below, any name ``AsyncX`` becomes
``X`` (unasync alone would make it ``SyncX``).
"""

from __future__ import annotations

from pathlib import Path

import unasync

TREES = (("src/immich/_async", "src/immich/_sync"), ("tests/_async", "tests/_sync"))

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
    "AsyncByteStream": "SyncByteStream",
    "AsyncMethod": "Method",
    "aenter": "enter",
    "async_transport": "transport",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
}


class _Rule(unasync.Rule):  # type: ignore[misc]
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
        rule = _Rule(str(source_dir) + "/", str(target_dir) + "/", REPLACEMENTS)
        files = sorted(str(p) for p in source_dir.rglob("*.py"))
        unasync.unasync_files(files, [rule])
        written += [Path(f.replace(str(source_dir), str(target_dir))) for f in files]
    return written
