"""Immich's job queues, reduced to what a synchronous fake can honestly report: jobs run at
once unless their queue is paused, in which case they wait until it resumes."""

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
        return {
            "active": 0,
            "completed": self.completed,
            "delayed": 0,
            "failed": self.failed,
            "paused": 0,
            "waiting": len(self.waiting),
        }


class QueueBoard:
    def __init__(self) -> None:
        self.queues = {name: Queue(name) for name in QUEUE_NAMES}

    def submit(
        self,
        queue_name: str,
        job_name: str,
        run: Callable[[], None] = lambda: None,
        data: dict[str, Any] | None = None,
    ) -> None:
        queue = self.queues[queue_name]
        job = PendingJob(job_name, data or {}, run)
        if queue.is_paused:
            queue.waiting.append(job)
        else:
            self._run(queue, job)

    def pause(self, queue_name: str) -> None:
        self.queues[queue_name].is_paused = True

    def resume(self, queue_name: str) -> None:
        queue = self.queues[queue_name]
        queue.is_paused = False
        while queue.waiting:
            self._run(queue, queue.waiting.pop(0))

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
