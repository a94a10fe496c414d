"""The errors users run into, told in their terms, and the exit codes scripts check.

0 success, 1 a failure (the server refused, a file failed), 2 a usage or set-up mistake
(a missing URL, a bad option value), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from immich._errors import APIStatusError, PermissionDeniedError
    from immich.cli._settings import Settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: The output's reader went away (``immich ... | head``): 128 + SIGPIPE, as shells report it.
EXIT_BROKEN_PIPE = 141

NO_URL = (
    "no Immich server URL configured: pass --url URL, set IMMICH_URL, "
    "or save one with `immich login URL`"
)


class CLIError(Exception):
    """A failure with a message for the user, ending the command with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CLIError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


def _server(settings: Settings | None) -> str:
    return display_url(settings.url) if settings and settings.url else "the server"


def display_url(url: str) -> str:
    """A URL fit to print: without user:password@, which may hold credentials."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    authority, slash, path = rest.partition("/")
    host = authority.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path}"


def describe(exc: BaseException, settings: Settings | None) -> CLIError | None:
    """The user-facing form of an SDK or configuration error; None for anything else."""
    from immich import _errors as sdk
    from immich.cli._config_file import ConfigFileError

    server = _server(settings)
    source = f" (from {settings.url_source})" if settings and settings.url_source else ""
    if isinstance(exc, ConfigFileError):
        return UsageError(str(exc))
    if isinstance(exc, sdk.ConfigurationError):
        if settings is not None and not settings.url:
            return UsageError(NO_URL)
        return UsageError(f"{exc}{source}")
    if isinstance(exc, sdk.APITimeoutError):
        return CLIError(
            f"the Immich server at {server} did not answer in time ({_cause(exc)}); "
            "check that it is running and reachable"
        )
    if isinstance(exc, sdk.IncompleteDownloadError):
        return CLIError(f"{exc.message}; nothing was kept, try again")
    if isinstance(exc, sdk.APIConnectionError):
        return CLIError(
            f"cannot connect to the Immich server at {server}{source}: {_cause(exc)}. "
            "Check the URL and that the server is running."
        )
    if isinstance(exc, sdk.UnsupportedByServerError):
        return CLIError(f"{exc.message}; upgrade the server to use this")
    if isinstance(exc, sdk.AuthenticationError):
        return CLIError(_authentication_message(exc, settings, server))
    if isinstance(exc, sdk.PermissionDeniedError):
        return CLIError(_permission_message(exc))
    if isinstance(exc, sdk.NotFoundError):
        message = exc.server_message
        # Immich says "Cannot GET /path" for routes it does not have; other servers do
        # not answer in Immich's JSON at all. Either way the URL is the likely mistake.
        if message is None or message.startswith("Cannot "):
            return CLIError(
                f"{server}{source} has no Immich API at {exc.method} {exc.url} "
                f"({_reason(exc)}); check the URL, e.g. http://host:2283"
            )
        return CLIError(f"not found: {message} ({exc.method} {exc.url})")
    if isinstance(exc, sdk.APIStatusError):
        return CLIError(f"the server refused the request: {exc.message}")
    if isinstance(exc, sdk.APIResponseValidationError):
        return CLIError(
            f"the server at {server} did not answer like an Immich server: {exc.message}. "
            "Check the URL."
        )
    if isinstance(exc, sdk.ImmichError):
        return CLIError(str(exc))
    return None


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__
    if cause is not None and str(cause):
        return str(cause)
    return type(cause or exc).__name__


def _reason(exc: APIStatusError) -> str:
    return exc.server_message or exc.error or str(exc.status_code)


def _authentication_message(exc: APIStatusError, settings: Settings | None, server: str) -> str:
    if settings is not None and not settings.api_key:
        message = (
            f"{server} wants an API key and none was given: pass --api-key, "
            "set IMMICH_API_KEY or run `immich login`"
        )
        if settings.unused_login_url:
            message += (
                f" (the saved login is for {display_url(settings.unused_login_url)} "
                "and is not sent to another server)"
            )
        return message
    source = f" (from {settings.key_source})" if settings and settings.key_source else ""
    return (
        f"the API key{source} was rejected by {server} ({_reason(exc)}); check it, "
        "or create a new one under Account Settings > API Keys and run `immich login`"
    )


def _permission_message(exc: PermissionDeniedError) -> str:
    reason = _reason(exc)
    if exc.permission:
        return (
            f"permission denied ({reason}): the API key lacks the {exc.permission!r} "
            "permission, or the call needs an admin user"
        )
    return f"permission denied ({reason}): the user or API key may not do this"
