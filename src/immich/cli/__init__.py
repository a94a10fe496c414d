"""The ``immich`` command line (``pip install "immich-sdk[cli]"``).

Only :func:`main` lives here, so that importing the package (for the console-script
entry point, or to check it exists) costs nothing: typer, rich and the client are
imported when a command actually runs.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]

# What the "cli" extra installs; platformdirs is optional at run time (see _config_file).
_EXTRA_PACKAGES = frozenset({"typer", "rich", "click"})


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``immich`` command with ``argv`` (default: ``sys.argv[1:]``) and exit."""
    try:
        from immich.cli._app import app
    except ImportError as exc:
        if exc.name not in _EXTRA_PACKAGES:
            raise
        import sys

        sys.stderr.write(
            f"error: the immich command needs extra packages ({exc.name} is missing); "
            'install them with: pip install "immich-sdk[cli]"\n'
        )
        raise SystemExit(1) from None
    app(args=list(argv) if argv is not None else None, prog_name="immich")
