"""Waiting for the server's background work: names as people type them, what counts as
pending, how often to look, and what came of it.

The polling itself (one client call after another) is in ``immich._async.wait``; this
module holds what both clients share and sends nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

from immich._transfer.results import frozen_map, summary_repr

if TYPE_CHECKING:
    from immich.models.asset_response_dto import AssetResponseDto
    from immich.models.library_response_dto import LibraryResponseDto
    from immich.models.library_stats_response_dto import LibraryStatsResponseDto
    from immich.models.manual_job_name import ManualJobName
    from immich.models.queue_name import QueueName
    from immich.models.queue_response_dto import QueueResponseDto
    from immich.models.queue_statistics_dto import QueueStatisticsDto

#: What an asset goes through after it is uploaded (or imported by a library scan):
#: ``metadata`` (EXIF read: dates, camera, place, the tags in the file) and
#: ``thumbnails`` (preview, thumbnail and thumbhash; not made for hidden assets, such as
#: a live photo's video).
Step = Literal["metadata", "thumbnails"]
STEPS: tuple[Step, ...] = ("metadata", "thumbnails")

#: The queues an upload's processing runs through, in order (an admin can read them).
PROCESSING_QUEUES = (
    "sidecar",
    "metadataExtraction",
    "storageTemplateMigration",
    "thumbnailGeneration",
)


def _key(text: str) -> str:
    return text.replace("-", "").replace("_", "").replace(" ", "").lower()


def find_queue(text: str) -> QueueName | None:
    """The queue ``text`` names: ``thumbnailGeneration``, ``thumbnail-generation`` and
    ``THUMBNAIL_GENERATION`` are one queue."""
    from immich.models.queue_name import QueueName

    wanted = _key(text)
    return next((q for q in QueueName if _key(q.value) == wanted), None)


def find_manual_job(text: str) -> ManualJobName | None:
    """The one-off job ``text`` names (``backup-database``, ``tag_cleanup``, ...)."""
    from immich.models.manual_job_name import ManualJobName

    wanted = _key(text)
    return next((j for j in ManualJobName if _key(j.value) == wanted), None)


def queue_names() -> list[str]:
    from immich.models.queue_name import QueueName

    return [q.value for q in QueueName]


def manual_job_names() -> list[str]:
    from immich.models.manual_job_name import ManualJobName

    return [j.value for j in ManualJobName]


def queue_named(text: str) -> QueueName:
    """Like :func:`find_queue`, but an unknown name is a ``ValueError`` listing the queues."""
    queue = find_queue(text)
    if queue is None:
        raise ValueError(f"unknown queue {text!r}; queues are: {', '.join(queue_names())}")
    return queue


def find_job(text: str) -> QueueName | ManualJobName:
    """The queue or one-off job ``text`` names. ``backup-database`` is a one-off job and
    ``backupDatabase`` a queue (starting it does the same): an exact spelling decides,
    then queues win. An unknown name is a ``ValueError`` listing both kinds."""
    queue = None if text in manual_job_names() else find_queue(text)
    found = queue if queue is not None else find_manual_job(text)
    if found is None:
        raise ValueError(
            f"unknown queue or job {text!r}; queues: {', '.join(queue_names())}; "
            f"one-off jobs: {', '.join(manual_job_names())}"
        )
    return found


# A one-off job, the queue it runs in, and the jobs (by name) that are its work there.
# Jobs that have a queue of their own are waited for by that queue: no names.
_MANUAL_JOBS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tag-cleanup": ("backgroundTask", ("TagCleanup",)),
    "person-cleanup": ("backgroundTask", ("PersonCleanup",)),
    "user-cleanup": ("backgroundTask", ("UserDeleteCheck", "UserDelete")),
    "memory-cleanup": ("backgroundTask", ("MemoryCleanup",)),
    "memory-create": ("backgroundTask", ("MemoryGenerate",)),
    "backup-database": ("backupDatabase", ()),
}


def manual_job_work(job: ManualJobName) -> tuple[QueueName, tuple[str, ...]]:
    """The queue a one-off job runs in, and the names of its jobs there (empty: the
    whole queue is its work)."""
    from immich.models.queue_name import QueueName

    if job.value.startswith("integrity-"):
        return QueueName.INTEGRITY_CHECK, ()
    queue, names = _MANUAL_JOBS.get(job.value, ("backgroundTask", ()))
    return QueueName(queue), names


def pending_jobs(statistics: QueueStatisticsDto) -> int:
    """Jobs a queue still has to run: active, waiting, delayed, and those held by a pause
    (which Immich 3 counts apart, as ``paused``)."""
    return statistics.active + statistics.waiting + statistics.delayed + statistics.paused


def missing_steps(asset: AssetResponseDto, steps: Iterable[Step]) -> tuple[Step, ...]:
    """The processing steps ``asset`` has not been through yet, as its record shows them.

    Metadata: the server records the file's modification time (``exifInfo.modifyDate``)
    when it reads the file's metadata, never before; and it writes the EXIF row and the
    asset's own dates at the same time, neither waiting for the other
    (``metadata.service.ts``), so the step is done once both have landed: the asset's
    ``fileCreatedAt`` is then the ``dateTimeOriginal`` of its EXIF. Thumbnails: the
    thumbhash is set with them; hidden assets get none, so for them the step does not
    apply.
    """
    from immich._core.types import Unset

    missing: list[Step] = []
    for step in steps:
        if step == "metadata":
            exif = asset.exif_info
            read = (
                not isinstance(exif, Unset)
                and isinstance(exif.modify_date, datetime)
                and _same_instant(exif.date_time_original, asset.file_created_at)
            )
            if not read:
                missing.append(step)
        elif step == "thumbnails" and asset.visibility != "hidden" and not asset.thumbhash:
            missing.append(step)
    return tuple(missing)


def _same_instant(exif_date: object, asset_date: object) -> bool:
    """Whether the asset's dates are those its EXIF row was written with (true when
    there is nothing to compare: an EXIF row without a date)."""
    if not isinstance(exif_date, datetime) or not isinstance(asset_date, datetime):
        return True
    try:
        return abs((exif_date - asset_date).total_seconds()) < 0.001
    except TypeError:  # one of them without a time zone: nothing to go by
        return True


#: Seconds before the second look of a wait; the pauses then grow by ``GROWTH`` up to
#: ``LONGEST_PAUSE`` while nothing changes.
FIRST_PAUSE = 0.25
GROWTH = 1.5
LONGEST_PAUSE = 5.0
#: Seconds without progress after which a wait for assets looks closer (see
#: ``client.wait.for_assets``).
STALLED_AFTER = 60.0


class Backoff:
    """Seconds to sleep between two looks: ``initial`` at first, growing by ``factor`` up
    to ``maximum`` while nothing changes; :meth:`reset` when something did. Never past
    the deadline."""

    def __init__(
        self,
        *,
        timeout: float | None,
        initial: float | None = None,
        maximum: float | None = None,
        factor: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must be 0 or more (None: no limit)")
        self.clock = clock
        self.started = clock()
        self.deadline = None if timeout is None else self.started + timeout
        self.initial = FIRST_PAUSE if initial is None else initial
        self.maximum = LONGEST_PAUSE if maximum is None else maximum
        self.factor = GROWTH if factor is None else factor
        self._next = self.initial

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def expired(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline

    def reset(self) -> None:
        self._next = self.initial

    def delay(self) -> float:
        """The next pause, grown for the one after."""
        delay = self._next
        self._next = min(self._next * self.factor, self.maximum)
        if self.deadline is not None:
            delay = min(delay, max(self.deadline - self.clock(), 0.0))
        return delay


@attrs.frozen(repr=False)
class WaitProgress:
    """A snapshot handed to a wait's ``progress`` callback after every look.

    Attributes:
        what: ``"queues"``, ``"assets"``, ``"library"`` or ``"job"``.
        pending: Jobs (queues, a library scan, a job) or assets still pending.
        done: Assets processed so far (assets only).
        total: Assets waited for (assets only).
        elapsed: Seconds since the wait began.
        detail: Queue name -> jobs pending, or step -> assets still lacking it.
    """

    what: Literal["queues", "assets", "library", "job"]
    pending: int
    elapsed: float
    done: int = 0
    total: int | None = None
    detail: Mapping[str, int] = attrs.field(factory=dict, converter=frozen_map)

    __repr__ = summary_repr


WaitProgressCallback = Callable[[WaitProgress], None]


@attrs.frozen(repr=False)
class ProcessedAssets:
    """The outcome of ``client.wait.for_assets``.

    Attributes:
        assets: Asset id -> the asset as the server shows it once processed (its final
            dates, EXIF and thumbhash), in the order asked.
        unfinished: Asset id -> why it was given up on: gone from the server, or left
            behind by the server's jobs (a file it could not read or decode).
        elapsed: Seconds waited.
    """

    assets: Mapping[str, AssetResponseDto] = attrs.field(factory=dict, converter=frozen_map)
    unfinished: Mapping[str, str] = attrs.field(factory=dict, converter=frozen_map)
    elapsed: float = 0.0

    __repr__ = summary_repr

    @property
    def ok(self) -> bool:
        return not self.unfinished

    def to_dict(self) -> dict[str, Any]:
        return {
            "processed": list(self.assets),
            "unfinished": dict(self.unfinished),
            "elapsed": self.elapsed,
            "ok": self.ok,
        }


@attrs.frozen(repr=False)
class LibraryScanResult:
    """What a library scan found (``client.wait.scan_library``).

    Attributes:
        library: The library after the scan (``refreshed_at`` is the scan's end).
        statistics: Its counts after the scan (photos, videos, total, usage). Immich
            counts the assets of missing files too (they wait in the trash) and adds a
            new file's size to ``usage`` once it has read its metadata.
        added: Photos and videos the scan imported.
        removed: Assets whose files are gone (or now excluded): Immich marks them
            offline and moves them to the trash. None when the library is another
            user's (only its owner can search its assets).
        unchanged: Assets that were there before and still are (files that changed
            are among them: Immich reads them again). None as ``removed``.
        elapsed: Seconds the scan took, as waited for.
        restored: Assets whose files are back (or no longer excluded): Immich takes them
            out of the trash and online again. None as ``removed``.
    """

    library: LibraryResponseDto
    statistics: LibraryStatsResponseDto
    added: int
    removed: int | None
    unchanged: int | None
    elapsed: float
    restored: int | None = None

    __repr__ = summary_repr

    def to_dict(self) -> dict[str, Any]:
        from immich._core.converter import converter

        return {
            "library": converter.unstructure(self.library),
            "statistics": converter.unstructure(self.statistics),
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "restored": self.restored,
            "elapsed": self.elapsed,
        }


@attrs.frozen(repr=False)
class JobResult:
    """A job or queue run to its end (``client.wait.run_job``).

    Attributes:
        name: The queue started, or the one-off job run (``backup-database``).
        queue: The queue its jobs ran in.
        state: That queue when it was done.
        failed: How many of the queue's jobs failed meanwhile (its ``failed`` count
            went up by this much: other work in the queue included).
        elapsed: Seconds waited.
    """

    name: str
    queue: QueueName
    state: QueueResponseDto
    failed: int
    elapsed: float

    __repr__ = summary_repr

    def to_dict(self) -> dict[str, Any]:
        from immich._core.converter import converter

        return {
            "name": self.name,
            "queue": self.queue.value,
            "state": converter.unstructure(self.state),
            "failed": self.failed,
            "elapsed": self.elapsed,
        }


def describe_pending_assets(
    pending: Mapping[str, tuple[Step, ...]], names: Mapping[str, str], *, limit: int = 5
) -> str:
    """``3 assets (thumbnails: a.jpg, b.mov; metadata: c.jpg)``."""
    by_step: dict[str, list[str]] = {}
    for asset_id, steps in pending.items():
        # The first step missing is the one it waits in.
        by_step.setdefault(steps[0], []).append(names.get(asset_id) or asset_id)
    parts = []
    for label, members in by_step.items():
        shown = ", ".join(members[:limit])
        if len(members) > limit:
            shown += f" and {len(members) - limit} more"
        parts.append(f"{label}: {shown}")
    count = len(pending)
    return f"{count} asset{'s' if count != 1 else ''} ({'; '.join(parts)})"
