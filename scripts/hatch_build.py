"""Hatchling build hook: a wheel carries a ``_sync`` tree made fresh from ``_async``.

The committed ``src/immich/_sync`` is left out of the wheel and replaced by the output of
the same unasync step that ``python -m codegen`` runs, so a stale copy cannot ship.
Editable installs use the source tree as it is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SyncTreeHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, self.root)
        from codegen.build import build_sync_tree

        self._staging = tempfile.TemporaryDirectory()
        staging = Path(self._staging.name)
        for path in build_sync_tree(Path(self.root), staging, include_tests=False):
            relative = path.relative_to(staging / "src")
            build_data["force_include"][str(path)] = str(relative)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        staging = getattr(self, "_staging", None)
        if staging is not None:
            staging.cleanup()
