"""``client.wait``: start work on the server and wait until it is done, or wait for work
already under way (queues, a library scan, a job, the processing of given assets).

Every wait polls with backoff (a quarter of a second at first, growing to five seconds
while nothing changes), takes a ``timeout`` in seconds (``None``: no limit) after which
it raises :class:`~immich.WaitTimeoutError` saying what was still pending, and calls
``progress`` with a :class:`~immich.WaitProgress` after every look. Nothing on the server
is cancelled by a timeout or an interruption: waiting again picks up where it was.
"""

from __future__ import annotations

import email.utils
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Protocol

from immich._errors import (
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    QueuePausedError,
    WaitTimeoutError,
)
from immich._transfer.concurrency import async_map_concurrently, async_sleep
from immich._transfer.waiting import (
    PROCESSING_QUEUES,
    STEPS,
    Backoff,
    JobResult,
    LibraryScanResult,
    ProcessedAssets,
    Step,
    WaitProgress,
    WaitProgressCallback,
    describe_pending_assets,
    find_job,
    manual_job_work,
    missing_steps,
    pending_jobs,
    queue_named,
)

if TYPE_CHECKING:
    from immich._async._client import AsyncClient
    from immich.models.asset_response_dto import AssetResponseDto
    from immich.models.manual_job_name import ManualJobName
    from immich.models.queue_job_response_dto import QueueJobResponseDto
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto

#: A queue looks idle for a moment between one job and the follow-up jobs it queues, so
#: work is done when it has looked idle this many times in a row.
IDLE_LOOKS = 2
#: Assets looked at concurrently.
LOOK_CONCURRENCY = 8
#: ``GET /queues/{name}/jobs`` answers at most this many jobs (Immich asks BullMQ for
#: 0..1000): a list this long may hide more.
JOBS_LISTED = 1000
_PENDING_STATUSES = ("active", "waiting", "delayed", "paused")

# A look: how many jobs or assets are pending, per queue or step, and the queue (name,
# jobs) found paused with that work in it.
_Look = tuple[int, dict[str, int], tuple[str, int] | None]


class _Looker(Protocol):
    async def __call__(self) -> _Look: ...


class AsyncWaiter:
    """Waiting for the server's background work: ``client.wait``.

    - :meth:`for_queues`: until queues have no jobs left;
    - :meth:`for_assets`: until given assets are processed (metadata read, thumbnails
      made), so that what follows sees their final dates and EXIF;
    - :meth:`scan_library`: scan an external library, wait, and say what the scan found;
    - :meth:`run_job`: start a queue or a one-off job and wait until it has run.

    Queues, jobs and libraries need an admin; waiting for assets needs only their owner.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"

    # -- queues -------------------------------------------------------------------------

    async def for_queues(
        self,
        *names: QueueName | str,
        timeout: float | None = None,
        progress: WaitProgressCallback | None = None,
    ) -> list[QueueResponseDto]:
        """Wait until the queues named (every queue when none is) have no jobs left:
        nothing active, waiting, delayed or held by a pause, on two looks in a row (a
        finished job often queues follow-up jobs a moment later).

        ``names`` are :class:`~immich.models.QueueName` members or their spellings
        (``"thumbnailGeneration"``, ``"thumbnail-generation"``). Returns the queues as
        they were at the end. Raises :class:`~immich.QueuePausedError` when a queue is
        paused with jobs in it (it would never drain), :class:`~immich.WaitTimeoutError`
        after ``timeout`` seconds. Needs an admin (``queue.read``).

        The queues are the server's, shared by every user: on a busy server, waiting for
        your own assets (:meth:`for_assets`) is quicker and surer.
        """
        queues = [queue_named(str(name)) for name in names]
        states: list[QueueResponseDto] = []

        async def look() -> _Look:
            nonlocal states
            if queues:
                states = [await self._client.queues.get_queue(queue) for queue in queues]
            else:
                states = await self._client.queues.get_queues()
            return _queue_look(states)

        await self._until_idle(look, "queues", timeout, progress, "the queues to go idle")
        return states

    # -- assets -------------------------------------------------------------------------

    async def for_assets(
        self,
        asset_ids: Iterable[str],
        *,
        thumbnails: bool = True,
        timeout: float | None = None,
        stalled_after: float | None = None,
        progress: WaitProgressCallback | None = None,
    ) -> ProcessedAssets:
        """Wait until the server has processed these assets: read their metadata (dates,
        EXIF, the tags and description in the file) and, unless ``thumbnails=False``,
        made their thumbnails. Afterwards an asset shows its final dates and EXIF, and
        edits (tags, dates, descriptions) no longer race its background jobs. (With
        ``thumbnails=False``, a tag edit may still meet the metadata job's last step,
        which replaces the asset's tags with those the file holds and which nothing in
        an asset's record shows; an upload's thumbnails are made after that job.)

        Each asset is looked at (``GET /assets/{id}``), oldest first, until it is done;
        any user may wait for their own assets, and nothing depends on how busy the
        rest of the server is.

        An asset the server never finishes (a file it cannot read or decode) would be
        waited for until the timeout. So when nothing moved for ``stalled_after``
        seconds (default: a minute) the wait looks closer: with an admin's key, once the processing queues
        are idle, what is left is given up on; without one, an asset is given up on once
        assets uploaded after it are done. Those are in the result's ``unfinished``, as
        are assets that are gone (deleted, or not yours).

        Returns :class:`~immich.ProcessedAssets`; raises
        :class:`~immich.WaitTimeoutError` (naming the assets still pending, and the step
        each waits for) after ``timeout`` seconds.
        """
        from immich._transfer import waiting

        stalled_after = waiting.STALLED_AFTER if stalled_after is None else stalled_after
        ids = list(dict.fromkeys(asset_ids))
        wanted: tuple[Step, ...] = STEPS if thumbnails else ("metadata",)
        order = {asset_id: index for index, asset_id in enumerate(ids)}
        pending: dict[str, tuple[Step, ...]] = dict.fromkeys(ids, wanted)
        done: dict[str, AssetResponseDto] = {}
        unfinished: dict[str, str] = {}
        names: dict[str, str] = {}
        backoff = Backoff(timeout=timeout)
        last_change = backoff.clock()
        queues_readable = True

        async def look_at(asset_id: str) -> bool:
            """Look at one asset; True when it is done or gone."""
            try:
                asset = await self._client.assets.get_asset_info(asset_id)
            except (NotFoundError, BadRequestError):
                unfinished[asset_id] = "not found: deleted, or not the user's"
                pending.pop(asset_id, None)
                return True
            names[asset_id] = asset.original_file_name
            missing = missing_steps(asset, wanted)
            if not missing:
                done[asset_id] = asset
                pending.pop(asset_id, None)
                return True
            pending[asset_id] = missing
            return False

        async def look_in_order(sweep: bool) -> bool:
            """Look at pending assets oldest first, a few at a time, until a few in a row
            are still pending (the server works roughly in upload order); ``sweep``: at
            all of them. True when any finished."""
            finished = False
            queue = list(pending)
            for start in range(0, len(queue), LOOK_CONCURRENCY):
                chunk = queue[start : start + LOOK_CONCURRENCY]
                results = await async_map_concurrently(look_at, chunk, LOOK_CONCURRENCY)
                finished = finished or any(results)
                if not sweep and not any(results):
                    break
            return finished

        async def give_up_on_stalled() -> None:
            nonlocal queues_readable
            left = dict(pending)
            if queues_readable:
                try:
                    every = await self._client.queues.get_queues()
                except PermissionDeniedError:
                    queues_readable = False
                else:
                    states = [s for s in every if s.name.value in PROCESSING_QUEUES]
                    jobs_left, _, held = _queue_look(states)
                    if held is not None:
                        raise QueuePausedError(*held)
                    if jobs_left:
                        return  # the server is still at it (other users' work, perhaps)
                    for asset_id, steps in left.items():
                        unfinished[asset_id] = (
                            f"no {steps[0]}: the server's jobs finished without it "
                            "(a file it could not read or decode?)"
                        )
                        pending.pop(asset_id, None)
                    return
            newest_done = max((order[asset_id] for asset_id in done), default=-1)
            for asset_id, steps in left.items():
                if order[asset_id] < newest_done:
                    unfinished[asset_id] = (
                        f"no {steps[0]}: assets uploaded after it are done "
                        "(a file the server could not read or decode?)"
                    )
                    pending.pop(asset_id, None)

        while True:
            stalled = backoff.clock() - last_change >= stalled_after
            if await look_in_order(sweep=stalled):
                last_change = backoff.clock()
                backoff.reset()
            elif stalled and pending:
                await give_up_on_stalled()
                last_change = backoff.clock()
            if progress is not None:
                detail: dict[str, int] = {}
                for steps in pending.values():
                    detail[steps[0]] = detail.get(steps[0], 0) + 1
                progress(
                    WaitProgress(
                        "assets",
                        len(pending),
                        backoff.elapsed,
                        done=len(done),
                        total=len(ids),
                        detail=detail,
                    )
                )
            if not pending:
                break
            if backoff.expired():
                raise WaitTimeoutError(
                    f"timed out after {backoff.elapsed:.0f} s waiting for the server to "
                    f"process {describe_pending_assets(pending, names)}",
                    waited=backoff.elapsed,
                    pending={asset_id: list(steps) for asset_id, steps in pending.items()},
                )
            await async_sleep(backoff.delay())
        return ProcessedAssets(
            assets={asset_id: done[asset_id] for asset_id in ids if asset_id in done},
            unfinished=unfinished,
            elapsed=backoff.elapsed,
        )

    # -- libraries ----------------------------------------------------------------------

    async def scan_library(
        self,
        library: str,
        *,
        timeout: float | None = None,
        progress: WaitProgressCallback | None = None,
    ) -> LibraryScanResult:
        """Scan an external library (by id, or by its exact name) and wait until the scan
        is done; then say what it found.

        The scan is done when the ``library`` queue holds no job of this library (other
        libraries' scans are not waited for), on two looks in a row. New files are
        imported by then; reading their metadata and making their thumbnails follows
        (wait for that with :meth:`for_assets`, or :meth:`for_queues`).

        Returns :class:`~immich.LibraryScanResult`: the library's statistics, and the
        assets added, removed (files gone: Immich marks them offline and trashes them),
        restored (files back) and unchanged. Needs an admin (``library.update``,
        ``library.statistics``, ``queueJob.read``); ``removed``, ``restored`` and
        ``unchanged`` need the library's owner, since only they can search its assets,
        and are None for another user's library.
        """
        client = self._client
        from immich._async._lookup import find_library

        found = await find_library(client, library)
        me = await client.users.get_my_user()
        owned = me.id == found.owner_id
        before_stats = await client.libraries.get_library_statistics(found.id)
        present_before = await self._count_library(found.id, is_offline=False) if owned else None
        answer = await client.with_response(client.libraries.scan_library, found.id)
        # The server's clock, not ours: assets the scan trashed are those trashed since.
        started = _server_time(answer.http.headers.get("date")) - timedelta(seconds=1)

        async def look() -> _Look:
            seen, _ = await self._look_for_jobs(
                queue_named("library"), lambda job: _is_library_job(job.name, job.data, found.id)
            )
            return seen

        backoff = await self._until_idle(
            look, "library", timeout, progress, f"the scan of library {found.name!r}"
        )
        after = await client.libraries.get_library(found.id)
        statistics = await client.libraries.get_library_statistics(found.id)
        added = max(statistics.total - before_stats.total, 0)
        removed = unchanged = restored = None
        if present_before is not None:
            removed = await self._count_library(found.id, is_offline=True, trashed_after=started)
            unchanged = max(present_before - removed, 0)
            # Files that came back: their assets were counted (offline, in the trash) all along.
            present_after = await self._count_library(found.id, is_offline=False)
            restored = max(present_after - unchanged - added, 0)
        return LibraryScanResult(
            library=after,
            statistics=statistics,
            added=added,
            removed=removed,
            unchanged=unchanged,
            restored=restored,
            elapsed=backoff.elapsed,
        )

    async def _count_library(self, library_id: str, **filters: Any) -> int:
        """The owner's assets of a library that match, as its statistics count them: on
        the timeline or archived (a live photo's hidden video is part of its photo).
        One visibility at a time: 2.x searches the timeline alone without one."""
        from immich.models.asset_visibility import AssetVisibility

        total = 0
        for visibility in (AssetVisibility.TIMELINE, AssetVisibility.ARCHIVE):
            answer = await self._client.search.search_asset_statistics(
                library_id=library_id, visibility=visibility, **filters
            )
            total += answer.total
        return total

    # -- jobs ---------------------------------------------------------------------------

    async def run_job(
        self,
        name: QueueName | ManualJobName | str,
        *,
        force: bool = False,
        timeout: float | None = None,
        progress: WaitProgressCallback | None = None,
    ) -> JobResult:
        """Start a queue, or run a one-off job, and wait until it has run.

        ``name`` is a queue (``thumbnailGeneration``, ``library``, ...: every asset that
        lacks the queue's work is queued, every asset with ``force=True``) or a one-off
        job (:class:`~immich.models.ManualJobName`: ``backup-database``,
        ``tag-cleanup``, ...); spellings as in :meth:`for_queues`. A queue's run is done
        when the queue is idle; a one-off job's when its own jobs have left its queue
        (or, for jobs with a queue of their own, when that queue is idle).

        Returns :class:`~immich.JobResult`. Raises ``ValueError`` for an unknown name,
        :class:`~immich.BadRequestError` when the queue is already running, and as
        :meth:`for_queues` does. Needs an admin.
        """
        from immich.models.queue_name import QueueName

        client = self._client
        target = find_job(str(name))
        job_names: tuple[str, ...] = ()
        if isinstance(target, QueueName):
            queue = target
        else:
            if force:
                raise ValueError("force applies to queues, not to one-off jobs")
            queue, job_names = manual_job_work(target)
        before = await client.queues.get_queue(queue)
        await start_job(client, target, force=force)
        label = target.value
        state = before

        async def look() -> _Look:
            nonlocal state
            if not job_names:
                state = await client.queues.get_queue(queue)
                return _queue_look([state])
            seen, state = await self._look_for_jobs(queue, lambda job: job.name.value in job_names)
            return seen

        backoff = await self._until_idle(look, "job", timeout, progress, f"{label} to finish")
        return JobResult(
            name=label,
            queue=queue,
            state=state,
            failed=max(state.statistics.failed - before.statistics.failed, 0),
            elapsed=backoff.elapsed,
        )

    async def _look_for_jobs(
        self, queue: QueueName, ours: Callable[[QueueJobResponseDto], bool]
    ) -> tuple[_Look, QueueResponseDto]:
        """One look at the jobs of ``queue`` that are ``ours`` (all of its pending jobs
        when it lists too many to tell), and the queue's state."""
        state = await self._client.queues.get_queue(queue)
        jobs = await self._client.queues.get_queue_jobs(
            queue, status=[_job_status(s) for s in _PENDING_STATUSES]
        )
        count = sum(1 for job in jobs if ours(job))
        if not count and len(jobs) >= JOBS_LISTED:
            count = pending_jobs(state.statistics)  # ours may hide beyond the list
        paused = (queue.value, count) if count and state.is_paused else None
        return (count, {queue.value: count}, paused), state

    # -- the loop -----------------------------------------------------------------------

    async def _until_idle(
        self,
        look: _Looker,
        what: Any,
        timeout: float | None,
        progress: WaitProgressCallback | None,
        waiting_for: str,
    ) -> Backoff:
        """Look until nothing is pending on ``IDLE_LOOKS`` looks in a row."""
        backoff = Backoff(timeout=timeout)
        idle = 0
        while True:
            left, detail, paused = await look()
            if progress is not None:
                progress(WaitProgress(what, left, backoff.elapsed, detail=detail))
            if paused is not None:
                raise QueuePausedError(*paused)
            if left:
                idle = 0
            else:
                idle += 1
                # Idle twice in a row; or idle when time is up (all there is to go by).
                if idle >= IDLE_LOOKS or backoff.expired():
                    return backoff
                backoff.reset()  # confirm soon
            if backoff.expired():
                busy = {name: count for name, count in detail.items() if count}
                jobs = ", ".join(f"{name}: {count}" for name, count in busy.items())
                raise WaitTimeoutError(
                    f"timed out after {backoff.elapsed:.0f} s waiting for {waiting_for} "
                    f"({left} job{'s' if left != 1 else ''} left{'; ' + jobs if jobs else ''})",
                    waited=backoff.elapsed,
                    pending=busy,
                )
            await async_sleep(backoff.delay())


async def start_job(
    client: AsyncClient, target: QueueName | ManualJobName, *, force: bool = False
) -> None:
    """Start a queue's jobs (for every asset with ``force``), or create a one-off job."""
    from immich.models.queue_command import QueueCommand
    from immich.models.queue_name import QueueName

    if isinstance(target, QueueName):
        with warnings.catch_warnings():
            # Deprecated by Immich 3.0, yet still the only way to start a queue.
            warnings.simplefilter("ignore", DeprecationWarning)
            await client.jobs.run_queue_command_legacy(
                target, command=QueueCommand.START, force=force
            )
    else:
        await client.jobs.create_job(name=target)


def _queue_look(states: Iterable[QueueResponseDto]) -> _Look:
    states = list(states)
    detail = {state.name.value: pending_jobs(state.statistics) for state in states}
    paused = next(
        (
            (state.name.value, detail[state.name.value])
            for state in states
            if state.is_paused and detail[state.name.value]
        ),
        None,
    )
    return sum(detail.values()), detail, paused


def _job_status(text: str) -> Any:
    from immich.models.queue_job_status import QueueJobStatus

    return QueueJobStatus(text)


def _is_library_job(name: Any, data: Mapping[str, Any], library_id: str) -> bool:
    """A job of the ``library`` queue that belongs to this library's scan (a scan of
    every library included)."""
    if getattr(name, "value", name) == "LibraryScanQueueAll":
        return True
    return library_id in (data.get("id"), data.get("libraryId"))


def _server_time(header: str | None) -> datetime:
    """The time of a response's ``Date`` header, or ours when there is none."""
    if header:
        try:
            return email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            pass
    return datetime.now(timezone.utc)
