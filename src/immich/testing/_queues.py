"""Immich's job queues, reduced to what a synchronous fake can honestly report.

A job runs when it is due: at once by default, or ``delay`` seconds after it was queued
(``FakeImmich(job_delay=...)``), checked whenever the fake handles a request, so that
clients which poll see work pending and then done, as on a real server. Jobs of a paused
queue wait until it resumes. A job's ``run`` may queue follow-up jobs, as Immich's do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._wire import new_id

QUEUE_NAMES = (
    "thumbnailGeneration",
    "metadataExtraction",
    "videoConversion",
    "faceDetection",
    "facialRecognition",
    "smartSearch",
    "duplicateDetection",
    "backgroundTask",
    "storageTemplateMigration",
    "migration",
    "search",
    "sidecar",
    "library",
    "notifications",
    "backupDatabase",
    "ocr",
    "workflow",
    "integrityCheck",
    "editor",
)


@dataclass
class PendingJob:
    name: str
    data: dict[str, Any]
    run: Callable[[], None]
    due: float = 0.0
    id: str = field(default_factory=new_id)
    timestamp_ms: int = field(default_factory=lambda: int(time.time() * 1000))


@dataclass
class Queue:
    name: str
    is_paused: bool = False
    completed: int = 0
    failed: int = 0
    waiting: list[PendingJob] = field(default_factory=list)

    def statistics(self) -> dict[str, int]:
        # As Immich counts them (BullMQ): the jobs a paused queue keeps are "paused".
        pending = len(self.waiting)
        return {
            "active": 0,
            "completed": self.completed,
            "delayed": 0,
            "failed": self.failed,
            "paused": pending if self.is_paused else 0,
            "waiting": 0 if self.is_paused else pending,
        }


class QueueBoard:
    def __init__(self) -> None:
        self.queues = {name: Queue(name) for name in QUEUE_NAMES}
        #: Seconds a job waits before it runs (0: at once).
        self.delay = 0.0
        self._running = False

    def submit(
        self,
        queue_name: str,
        job_name: str,
        run: Callable[[], None] = lambda: None,
        data: dict[str, Any] | None = None,
    ) -> None:
        queue = self.queues[queue_name]
        job = PendingJob(job_name, data or {}, run, due=time.monotonic() + self.delay)
        if queue.is_paused or self.delay > 0 or self._running:
            queue.waiting.append(job)
        else:
            self._run_now(queue, job)

    def run_due(self, *, everything: bool = False) -> int:
        """Runs the jobs that are due (``everything``: all of them), oldest first, and the
        follow-up jobs they queue when those are due too; paused queues keep theirs.
        Returns how many ran."""
        if self._running:
            return 0
        ran = 0
        self._running = True
        try:
            while True:
                now = time.monotonic()
                ready = [
                    (job.due, job.timestamp_ms, index, queue, job)
                    for index, queue in enumerate(self.queues.values())
                    if not queue.is_paused
                    for job in queue.waiting
                    if everything or job.due <= now
                ]
                if not ready:
                    return ran
                *_, queue, job = min(ready, key=lambda item: item[:3])
                queue.waiting.remove(job)
                self._run(queue, job)
                ran += 1
        finally:
            self._running = False

    def _run_now(self, queue: Queue, job: PendingJob) -> None:
        self._running = True
        try:
            self._run(queue, job)
        finally:
            self._running = False
        self.run_due()  # the follow-up jobs it queued

    def pause(self, queue_name: str) -> None:
        self.queues[queue_name].is_paused = True

    def resume(self, queue_name: str) -> None:
        self.queues[queue_name].is_paused = False
        self.run_due()

    def empty(self, queue_name: str, *, failed: bool = False) -> None:
        queue = self.queues[queue_name]
        queue.waiting.clear()
        if failed:
            queue.failed = 0

    def clear_failed(self, queue_name: str) -> None:
        self.queues[queue_name].failed = 0

    @staticmethod
    def _run(queue: Queue, job: PendingJob) -> None:
        try:
            job.run()
        except OSError:
            queue.failed += 1
        else:
            queue.completed += 1
