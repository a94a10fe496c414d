"""A rich progress bar (on stderr) fed by the ``progress`` callback of upload and download."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from immich.cli._output import human_bytes

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    from immich._transfer.progress import Progress

_LABELS = {
    "hash": "Hashing",
    "check": "Checking",
    "upload": "Uploading",
    "album": "Albums",
    "stack": "Stacking",
    "process": "Processing",
    "tag": "Tagging",
    "download": "Downloading",
    "sync": "Changes",
}
# Phases whose byte counts are file contents; the album phase counts asset ids there.
_BYTE_PHASES = frozenset({"hash", "upload", "download"})
# What a phase was doing, for the message of a run stopped in it.
_DOING = {
    "hash": "reading the files",
    "check": "asking the server which files it has",
    "upload": "uploading",
    "album": "adding to albums",
    "stack": "stacking",
    "process": "waiting for the server to process the uploads",
    "tag": "tagging",
    "download": "downloading",
    "sync": "reading the server's changes",
}


class ProgressDisplay:
    """One bar per phase; a phase's bar completes when the next phase starts.

    Called from the library's worker threads, one call at a time (the library holds a
    lock around the callback); rich's ``Progress`` does its own locking for the redraws.
    """

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.enabled = enabled
        self._console = console
        self._bar: Bar | None = None
        self._tasks: dict[str, TaskID] = {}
        self._totals: dict[str, int] = {}
        self._last: Progress | None = None

    def interrupted(self) -> str:
        """What to tell someone who stopped the run: where it was, and what to do."""
        where = ""
        if self._last is not None:
            last = self._last
            doing = _DOING.get(last.phase, last.phase)
            where = f" while {doing} ({last.files_done} of {last.files_total} done)"
        return f"interrupted{where}; run the same command again to resume"

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description:<11}"),
                BarColumn(),
                TextColumn("{task.fields[files]}"),
                TextColumn("{task.fields[size]}"),
                TimeRemainingColumn(),
                console=self._console,
                transient=False,
            )
            self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
            self._tasks.clear()
            self._totals.clear()

    def __call__(self, event: Progress) -> None:
        self._last = event
        bar = self._bar
        if bar is None:
            return
        use_bytes = event.phase in _BYTE_PHASES and event.bytes_total > 0
        total = event.bytes_total if use_bytes else event.files_total
        done = event.bytes_done if use_bytes else event.files_done
        fields: dict[str, Any] = {
            "files": f"{event.files_done}/{event.files_total}",
            "size": (
                f"{human_bytes(event.bytes_done)}/{human_bytes(event.bytes_total)}"
                if use_bytes
                else ""
            ),
        }
        task = self._tasks.get(event.phase)
        if task is None and not event.files_total and not event.bytes_total:
            return  # nothing to do in this phase (every checksum came from the cache, say)
        if task is None:
            for phase, previous in self._tasks.items():
                # An earlier phase is over, whatever its last event said.
                bar.update(previous, completed=self._totals[phase])
            task = bar.add_task(_LABELS.get(event.phase, event.phase), total=total, **fields)
            self._tasks[event.phase] = task
        self._totals[event.phase] = max(total, 1)
        bar.update(task, total=max(total, 1), completed=done, **fields)


def progress_enabled(no_progress: bool) -> bool:
    """Bars only for a person at a terminal: not with --no-progress, nor when stdout is
    piped or redirected (a script is reading)."""
    import sys

    if no_progress:
        return False
    return bool(getattr(sys.stdout, "isatty", lambda: False)())
