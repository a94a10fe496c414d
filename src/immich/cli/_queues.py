"""Queue and job names as users type them, and the waiting of ``--wait`` (``jobs``,
``queues``, ``library scan``, ``upload``): the SDK's ``client.wait``, shown on stderr."""

from __future__ import annotations

from typing import TYPE_CHECKING

from immich._transfer.waiting import (
    find_manual_job,
    find_queue,
    manual_job_names,
    manual_job_work,
    queue_names,
)

if TYPE_CHECKING:
    from immich import Client
    from immich._transfer.waiting import WaitProgress
    from immich.cli._output import Output
    from immich.models.manual_job_name import ManualJobName
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto

__all__ = [
    "WaitNotes",
    "find_manual_job",
    "find_queue",
    "manual_job_names",
    "queue_names",
    "queue_of_manual_job",
    "wait_for_queue",
]


def queue_of_manual_job(job: ManualJobName) -> QueueName:
    """The queue the server runs a one-off job on."""
    return manual_job_work(job)[0]


class WaitNotes:
    """A wait's progress as notes on stderr: a line whenever what is pending changes
    (never in ``--json`` output, which stays on stdout)."""

    def __init__(self, out: Output, label: str) -> None:
        self.out = out
        self.label = label
        self._last: tuple[int, int] | None = None

    def __call__(self, event: WaitProgress) -> None:
        key = (event.pending, event.done)
        if key == self._last:
            return
        self._last = key
        if event.what == "assets":
            if event.pending:
                self.out.note(f"  {self.label}: {event.done}/{event.total} processed")
        elif event.pending:
            jobs = ", ".join(f"{name} {count}" for name, count in event.detail.items() if count)
            self.out.note(f"  {self.label}: {event.pending} jobs left ({jobs})")


def wait_for_queue(
    client: Client, name: QueueName, *, timeout: float | None, out: Output
) -> QueueResponseDto:
    """Wait until queue ``name`` has no jobs left (``client.wait.for_queues``)."""
    out.note(f"Waiting for the {name} queue to finish (Ctrl-C stops waiting)...")
    (state,) = client.wait.for_queues(name, timeout=timeout, progress=WaitNotes(out, str(name)))
    return state
