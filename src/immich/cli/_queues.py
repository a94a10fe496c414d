"""Queue and job names as users type them, and waiting for a queue to drain (``--wait``
of ``jobs`` and ``library scan``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from immich.cli._errors import CLIError

if TYPE_CHECKING:
    from immich import Client
    from immich.cli._output import Output
    from immich.models.manual_job_name import ManualJobName
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto

#: Seconds between two looks at the queue.
POLL_INTERVAL = 2.0
# A queue looks idle for a moment between one job and the follow-up jobs it queues, so
# "done" means idle on this many polls in a row (unless the caller can tell otherwise).
IDLE_POLLS = 2


def _key(text: str) -> str:
    return text.replace("-", "").replace("_", "").replace(" ", "").lower()


def find_queue(text: str) -> QueueName | None:
    """The queue ``text`` names: ``thumbnailGeneration``, ``thumbnail-generation`` and
    ``THUMBNAIL_GENERATION`` are all one queue."""
    from immich.models.queue_name import QueueName

    wanted = _key(text)
    return next((q for q in QueueName if _key(q.value) == wanted), None)


def find_manual_job(text: str) -> ManualJobName | None:
    from immich.models.manual_job_name import ManualJobName

    wanted = _key(text)
    return next((j for j in ManualJobName if _key(j.value) == wanted), None)


def queue_of_manual_job(job: ManualJobName) -> QueueName:
    """The queue the server runs a manual job on, to wait for it."""
    from immich.models.queue_name import QueueName

    if job.value == "backup-database":
        return QueueName.BACKUP_DATABASE
    if job.value.startswith("integrity-"):
        return QueueName.INTEGRITY_CHECK
    return QueueName.BACKGROUND_TASK


def queue_names() -> list[str]:
    from immich.models.queue_name import QueueName

    return [q.value for q in QueueName]


def manual_job_names() -> list[str]:
    from immich.models.manual_job_name import ManualJobName

    return [j.value for j in ManualJobName]


def pending(queue: QueueResponseDto) -> int:
    stats = queue.statistics
    return stats.active + stats.waiting + stats.delayed


def wait_for_queue(
    client: Client,
    name: QueueName,
    *,
    timeout: float | None,
    out: Output,
    finished: Callable[[], bool] | None = None,
) -> QueueResponseDto:
    """Poll queue ``name`` until it has no active, waiting or delayed jobs.

    ``finished`` may confirm the work is done sooner (a library's ``refreshedAt`` moved),
    after a single idle poll. Raises :class:`CLIError` on timeout, or when the queue is
    paused with work in it, which would never drain.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    idle = 0
    out.note(f"Waiting for the {name} queue to finish (Ctrl-C stops waiting)...")
    while True:
        queue = client.queues.get_queue(name)
        left = pending(queue)
        if left and queue.is_paused:
            raise CLIError(
                f"the {name} queue is paused with {left} jobs in it; "
                f"resume it with `immich jobs resume {name}`"
            )
        idle = 0 if left else idle + 1
        if idle >= IDLE_POLLS or (idle and finished is not None and finished()):
            return queue
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise CLIError(
                f"timed out after {timeout:g} s waiting for the {name} queue ({left} jobs left)"
            )
        delay = POLL_INTERVAL if deadline is None else min(POLL_INTERVAL, deadline - now)
        time.sleep(max(delay, 0.0))
