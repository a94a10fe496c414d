"""The file ``immich login`` writes: the server URL and API key, readable by the user only.

It lives in ``IMMICH_CONFIG_DIR`` when set, else in platformdirs' user config folder for
"immich" (``~/.config/immich`` on Linux), else in ``~/.config/immich`` when platformdirs
is not installed. The official Immich CLI keeps its ``auth.yml`` in the same folder on
Linux, so this file has a name of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

CONFIG_DIR_VARIABLE = "IMMICH_CONFIG_DIR"
FILE_NAME = "config.json"


class ConfigFileError(Exception):
    """The config file exists but cannot be used; the message says which file and why."""


@dataclass(frozen=True)
class StoredLogin:
    url: str
    api_key: str
    path: Path

    def __repr__(self) -> str:
        # The key must not surface in a traceback or a debug print.
        return f"StoredLogin(url={self.url!r}, api_key='***', path={str(self.path)!r})"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    try:
        from platformdirs import user_config_dir
    except ImportError:
        return Path.home() / ".config" / "immich"
    return Path(user_config_dir("immich", appauthor=False))


def config_path() -> Path:
    return config_dir() / FILE_NAME


def load() -> StoredLogin | None:
    """The saved login, or None when there is none."""
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise ConfigFileError(
            f"{path} is not valid JSON; run `immich login` again or delete it"
        ) from None
    url, api_key = (data.get(k) if isinstance(data, dict) else None for k in ("url", "api_key"))
    if not isinstance(url, str) or not isinstance(api_key, str) or not url or not api_key:
        raise ConfigFileError(
            f"{path} lacks a url or api_key; run `immich login` again or delete it"
        )
    return StoredLogin(url=url, api_key=api_key, path=path)


def save(url: str, api_key: str) -> Path:
    """Write the login atomically: readers see the old file or the new one, never half.

    The temporary file is created with mode 0600 (``mkstemp``), so the key is never
    readable by others, not even for a moment.
    """
    folder = config_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / FILE_NAME
    descriptor, temporary = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"url": url, "api_key": api_key}, handle, indent=2)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def delete() -> Path | None:
    """Remove the saved login; returns the file removed, or None when there was none."""
    path = config_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path
