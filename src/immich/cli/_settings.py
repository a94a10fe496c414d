"""Which server and API key a command uses: flags, then environment, then ``immich login``.

The saved key is only ever sent to the server it was saved for: with ``--url`` (or
``IMMICH_URL``) naming another server and no key given for it, no key is sent rather
than handing one server's credentials to another.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from immich.cli import _config_file

URL_VARIABLES = ("IMMICH_URL", "IMMICH_INSTANCE_URL")
API_KEY_VARIABLE = "IMMICH_API_KEY"


@dataclass(frozen=True)
class Settings:
    url: str | None
    #: Where the URL came from, for messages: "--url", "IMMICH_URL", "the saved login (...)".
    url_source: str | None
    api_key: str | None = field(repr=False)
    key_source: str | None
    #: The server of a saved login that was not used because the URL came from elsewhere.
    unused_login_url: str | None = None


def _same_server(a: str, b: str) -> bool:
    from immich._config import resolve_base_url
    from immich._errors import ConfigurationError

    try:
        return resolve_base_url(a) == resolve_base_url(b)
    except ConfigurationError:
        return a.strip().rstrip("/") == b.strip().rstrip("/")


def resolve(url: str | None, api_key: str | None) -> Settings:
    """Settings from the flags given (None when absent), the environment and the saved login.

    Raises :class:`_config_file.ConfigFileError` only when the saved login is needed and
    unreadable.
    """
    url_source: str | None = "--url" if url else None
    if not url:
        for name in URL_VARIABLES:
            if os.environ.get(name):
                url, url_source = os.environ[name], name
                break
    key_source: str | None = "--api-key" if api_key else None
    if not api_key and os.environ.get(API_KEY_VARIABLE):
        api_key, key_source = os.environ[API_KEY_VARIABLE], API_KEY_VARIABLE
    if url and api_key:
        return Settings(url, url_source, api_key, key_source)

    stored = _config_file.load()
    if stored is None:
        return Settings(url or None, url_source, api_key or None, key_source)
    where = f"the saved login ({stored.path})"
    if not url:
        url, url_source = stored.url, where
    if not api_key:
        if not _same_server(url, stored.url):
            return Settings(url, url_source, None, None, unused_login_url=stored.url)
        api_key, key_source = stored.api_key, where
    return Settings(url, url_source, api_key, key_source)
