"""One command run: its settings, output, client, and how it ends (exit codes)."""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from immich.cli._errors import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    NO_URL,
    CLIError,
    UsageError,
    describe,
)
from immich.cli._output import Output

if TYPE_CHECKING:
    from immich import Client
    from immich.cli._settings import Settings

_logger = logging.getLogger("immich")


@dataclass(frozen=True)
class GlobalOptions:
    """The options every command takes, given before the command or after it."""

    url: str | None = None
    api_key: str | None = None
    json: bool = False
    debug: bool = False

    def __repr__(self) -> str:
        return f"GlobalOptions(url={self.url!r}, json={self.json}, debug={self.debug})"

    def merged(self, later: GlobalOptions) -> GlobalOptions:
        """These options overridden by those given later on the command line."""
        return GlobalOptions(
            url=later.url or self.url,
            api_key=later.api_key or self.api_key,
            json=self.json or later.json,
            debug=self.debug or later.debug,
        )


class Session:
    """What a command works with. Settings and the client are made on first use, so
    commands that need neither (``logout``) never read the config file or import httpx."""

    def __init__(self, options: GlobalOptions) -> None:
        self.options = options
        self.out = Output(json_mode=options.json)
        self._settings: Settings | None = None
        self._client: Client | None = None

    @property
    def json(self) -> bool:
        return self.options.json

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from immich.cli._settings import resolve

            self._settings = resolve(self.options.url, self.options.api_key)
        return self._settings

    def use(self, settings: Settings) -> None:
        """Settings decided by the command itself (``login`` checks a URL and key given
        to it), so that error messages name them."""
        self._settings = settings

    @property
    def settings_if_known(self) -> Settings | None:
        return self._settings

    @property
    def client(self) -> Client:
        if self._client is None:
            settings = self.settings
            if not settings.url:
                raise UsageError(NO_URL)
            self._client = make_client(settings.url, settings.api_key)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def make_client(url: str, api_key: str | None) -> Client:
    from immich import Client

    return Client(base_url=url, api_key=api_key)


@contextmanager
def _debug_logging(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    previous = _logger.level
    _logger.addHandler(handler)
    _logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        _logger.removeHandler(handler)
        _logger.setLevel(previous)


@contextmanager
def _readable_warnings(out: Output) -> Iterator[None]:
    """Warnings (plain HTTP to a remote host, deprecated endpoints) as one short line each,
    instead of Python's file:line form."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: Any = None,
        line: str | None = None,
    ) -> None:
        out.warn(str(message))

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def run(options: GlobalOptions, body: Callable[[Session], None]) -> None:
    """Run ``body`` and turn what it raises into a message on stderr and an exit code."""
    import typer

    session = Session(options)
    out = session.out

    def fail(message: str, exit_code: int, cause: BaseException) -> typer.Exit:
        if options.json:
            out.json_error(
                message,
                exit_code=exit_code,
                kind=type(cause).__name__,
                status=getattr(cause, "status_code", None),
            )
        else:
            out.error(message)
        return typer.Exit(exit_code)

    with _debug_logging(options.debug), _readable_warnings(out):
        try:
            body(session)
        except KeyboardInterrupt as exc:
            raise fail("interrupted", EXIT_INTERRUPTED, exc) from None
        except BrokenPipeError:
            # The reader stopped reading (| head): end quietly. Standard output goes to
            # devnull, so that flushing it on the way out does not fail again.
            _stdout_to_devnull()
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except CLIError as exc:
            raise fail(exc.message, exc.exit_code, exc.__cause__ or exc) from None
        except Exception as exc:
            described = describe(exc, session.settings_if_known)
            if described is None:
                if not isinstance(exc, OSError):
                    raise
                described = CLIError(_os_error(exc))
            if options.debug:
                _logger.debug("details", exc_info=exc)
            raise fail(described.message, described.exit_code, exc) from None
        finally:
            session.close()


def _stdout_to_devnull() -> None:
    import os

    with contextlib.suppress(OSError, ValueError):  # (no real descriptor: a test's capture)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _os_error(exc: OSError) -> str:
    if exc.filename is not None and exc.strerror:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc)
