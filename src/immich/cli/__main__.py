"""``python -m immich.cli``: the same as the ``immich`` command."""

from __future__ import annotations

from immich.cli import main

if __name__ == "__main__":
    main()
