"""``immich jobs`` and ``immich queues``: the server's background work (admin only).

Immich 2.4 moved queue control to ``/queues`` (list, pause, resume, empty). Starting a
queue (processing every asset again, or only the missing ones) still has only the older
``PUT /jobs/{name}``; one-off jobs such as ``backup-database`` are ``POST /jobs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated

import typer

from immich.cli._command import command, group
from immich.cli._errors import UsageError
from immich.cli._queues import (
    WaitNotes,
    find_job,
    find_queue,
    manual_job_names,
    manual_job_work,
    queue_names,
    wait_for_queue,
)
from immich.cli._session import Session

if TYPE_CHECKING:
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto

jobs_app = group(
    "Start, pause and resume the server's background jobs (admin only). Alone: `list`.",
    default=lambda session: list_queues(session),
)
queues_app = group(
    "Inspect and control the server's job queues (admin only). Alone: `list`.",
    default=lambda session: list_queues(session),
)

NameArgument = Annotated[
    str, typer.Argument(metavar="NAME", help="A queue, e.g. thumbnailGeneration or library.")
]
WaitOption = Annotated[bool, typer.Option("--wait", help="Wait until the queue has no jobs left.")]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout", metavar="SECONDS", help="With --wait: give up after this many seconds."
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")
    app.add_typer(queues_app, name="queues")
    command(jobs_app, "list")(list_queues)
    command(jobs_app, "start")(start)
    command(jobs_app, "pause")(pause)
    command(jobs_app, "resume")(resume)
    command(queues_app, "list")(list_queues)
    command(queues_app, "show")(show)
    command(queues_app, "jobs")(queue_jobs)
    command(queues_app, "pause")(pause)
    command(queues_app, "resume")(resume)
    command(queues_app, "empty")(empty)


def _queue(text: str) -> QueueName:
    queue = find_queue(text)
    if queue is None:
        raise UsageError(f"unknown queue {text!r}; queues are: {', '.join(queue_names())}")
    return queue


def _print_queues(session: Session, queues: Iterable[QueueResponseDto]) -> None:
    session.out.table(
        # ("On hold": the jobs a paused queue keeps, which it would otherwise run.)
        ["Queue", "Paused", "Active", "Waiting", "On hold", "Delayed", "Failed", "Completed"],
        (
            (
                queue.name,
                queue.is_paused,
                queue.statistics.active,
                queue.statistics.waiting,
                queue.statistics.paused,
                queue.statistics.delayed,
                queue.statistics.failed,
                queue.statistics.completed,
            )
            for queue in queues
        ),
        right=["Active", "Waiting", "On hold", "Delayed", "Failed", "Completed"],
    )


def list_queues(session: Session) -> None:
    """List the queues with their job counts."""
    queues = session.client.queues.get_queues()
    if session.json:
        session.out.json("queues", {"queues": queues})
        return
    _print_queues(session, queues)
    session.out.note(f"One-off jobs for `immich jobs start`: {', '.join(manual_job_names())}")


def start(
    session: Session,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A queue (thumbnailGeneration, library, ...) or a one-off job (backup-database, ...).",
        ),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help="Process every asset again, not only the missing ones."),
    ] = False,
    wait: WaitOption = False,
    timeout: TimeoutOption = None,
) -> None:
    """Start a queue's jobs for all assets, or run a one-off job.

    With --wait: wait until it has run (a queue: until it is idle; a one-off job: until
    its jobs have left their queue), then report; --json gives the queue's state.
    """
    from immich._sync.wait import start_job
    from immich.models.queue_name import QueueName

    try:
        target = find_job(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if force and not isinstance(target, QueueName):
        raise UsageError("--force applies to queues, not to one-off jobs")
    client = session.client
    if wait:
        label = target.value
        session.out.note(f"Started {label}; waiting until it has run (Ctrl-C stops waiting)...")
        result = client.wait.run_job(
            target, force=force, timeout=timeout, progress=WaitNotes(session.out, label)
        )
        if session.json:
            session.out.json("queue", {"queue": result.state})  # as without --wait
            return
        failed = f" {result.failed} of its jobs failed." if result.failed else ""
        session.out.text(f"{result.name} has run ({result.elapsed:.1f} s).{failed}")
        return
    start_job(client, target, force=force)
    if isinstance(target, QueueName):
        queue, started = target, f"Started the {target} queue."
    else:
        queue, started = manual_job_work(target)[0], f"Started the {target} job."
    _finish(session, queue, started, wait=False, timeout=None)


def _finish(
    session: Session, queue: QueueName, message: str, *, wait: bool, timeout: float | None
) -> None:
    if wait:
        state = wait_for_queue(session.client, queue, timeout=timeout, out=session.out)
        message += " It has no jobs left."
    else:
        state = session.client.queues.get_queue(queue)
    if session.json:
        session.out.json("queue", {"queue": state})
    else:
        session.out.text(message)


def pause(session: Session, name: NameArgument) -> None:
    """Pause a queue: jobs in it wait until it is resumed."""
    queue = _queue(name)
    state = session.client.queues.update_queue(queue, is_paused=True)
    if session.json:
        session.out.json("queue", {"queue": state})
    else:
        session.out.text(f"Paused the {queue} queue.")


def resume(
    session: Session, name: NameArgument, wait: WaitOption = False, timeout: TimeoutOption = None
) -> None:
    """Resume a paused queue."""
    queue = _queue(name)
    session.client.queues.update_queue(queue, is_paused=False)
    _finish(session, queue, f"Resumed the {queue} queue.", wait=wait, timeout=timeout)


def show(session: Session, name: NameArgument) -> None:
    """Show one queue's job counts."""
    state = session.client.queues.get_queue(_queue(name))
    if session.json:
        session.out.json("queue", {"queue": state})
    else:
        _print_queues(session, [state])


def queue_jobs(
    session: Session,
    name: NameArgument,
    statuses: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="Only jobs in this state: active, failed, completed, delayed, waiting, paused (repeatable).",
        ),
    ] = None,
) -> None:
    """List the jobs in a queue."""
    from immich.models.queue_job_status import QueueJobStatus

    known = {status.value: status for status in QueueJobStatus}
    unknown = [s for s in statuses or [] if s not in known]
    if unknown:
        raise UsageError(f"unknown status {unknown[0]!r}; statuses are: {', '.join(known)}")
    from immich import UNSET

    wanted = [known[s] for s in statuses] if statuses else UNSET
    jobs = session.client.queues.get_queue_jobs(_queue(name), status=wanted)
    if session.json:
        session.out.json("queue-jobs", {"jobs": jobs})
        return
    if not jobs:
        session.out.note("No jobs.")
        return
    import datetime

    session.out.table(
        ["ID", "Job", "Queued at", "Data"],
        (
            (
                job.id or None,
                job.name,
                datetime.datetime.fromtimestamp(job.timestamp / 1000, datetime.timezone.utc),
                ", ".join(f"{k}={v}" for k, v in job.data.items()),
            )
            for job in jobs
        ),
    )


def empty(
    session: Session,
    name: NameArgument,
    failed: Annotated[bool, typer.Option("--failed", help="Also remove the failed jobs.")] = False,
) -> None:
    """Remove the waiting jobs from a queue."""
    queue = _queue(name)
    session.client.queues.empty_queue(queue, failed=failed)
    state = session.client.queues.get_queue(queue)
    if session.json:
        session.out.json("queue", {"queue": state})
    else:
        session.out.text(f"Emptied the {queue} queue.")
