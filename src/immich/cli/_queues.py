"""Queue and job names as users type them, and the waiting of ``--wait`` (``jobs``,
``queues``, ``library scan``, ``upload``): the SDK's ``client.wait``, shown on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from immich._transfer.waiting import (
    find_job,
    find_queue,
    manual_job_names,
    manual_job_work,
    queue_names,
)
from immich.cli._output import counted

if TYPE_CHECKING:
    from immich import Client
    from immich._transfer.waiting import WaitProgress
    from immich.cli._output import Output
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto

__all__ = [
    "WaitNotes",
    "find_job",
    "find_queue",
    "manual_job_names",
    "manual_job_work",
    "queue_names",
    "wait_for_queue",
]


class WaitNotes:
    """A wait's progress as notes on stderr: a line whenever what is pending changes
    (never in ``--json`` output, which stays on stdout)."""

    def __init__(self, out: Output, label: str) -> None:
        self.out = out
        self.label = label
        self._last: int | None = None

    def __call__(self, event: WaitProgress) -> None:
        if event.pending == self._last:
            return
        self._last = event.pending
        if event.pending:
            left = f"  {self.label}: {counted(event.pending, 'job')} left"
            shown = {name: count for name, count in event.detail.items() if count}
            if list(shown) != [self.label]:  # (not "library: 2 jobs left (library 2)")
                left += " (" + ", ".join(f"{name} {count}" for name, count in shown.items()) + ")"
            self.out.note(left)


def wait_for_queue(
    client: Client, name: QueueName, *, timeout: float | None, out: Output
) -> QueueResponseDto:
    """Wait until queue ``name`` has no jobs left (``client.wait.for_queues``)."""
    out.note(f"Waiting for the {name} queue to finish (Ctrl-C stops waiting)...")
    (state,) = client.wait.for_queues(name, timeout=timeout, progress=WaitNotes(out, str(name)))
    return state
