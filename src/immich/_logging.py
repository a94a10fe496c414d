"""The ``immich`` logger. ``IMMICH_LOG=debug`` (or info) turns on output to stderr."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("immich")
_configured = False


def configure_from_env() -> None:
    global _configured
    if _configured:
        return
    _configured = True
    level = os.environ.get("IMMICH_LOG", "").strip().upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
