"""``/jobs`` (the legacy view) and ``/queues/*`` (admin only)."""

from __future__ import annotations

from .._dto import legacy_queue_dto, queue_dto
from .._errors import bad_request
from .._http import FakeResponse, empty_response, json_response
from .._queues import QUEUE_NAMES, Queue
from .._router import Call, RouteGroup
from .._state import FakeState
from .libraries import queue_library_scan

QUEUE_COMMANDS = ("start", "pause", "resume", "empty", "clear-failed")
JOB_STATUSES = ("active", "failed", "completed", "delayed", "waiting", "paused")
# The job Immich queues when an admin starts a queue; queues missing here cannot be started.
START_JOBS = {
    "thumbnailGeneration": "AssetGenerateThumbnailsQueueAll",
    "metadataExtraction": "AssetExtractMetadataQueueAll",
    "videoConversion": "AssetEncodeVideoQueueAll",
    "faceDetection": "AssetDetectFacesQueueAll",
    "facialRecognition": "FacialRecognitionQueueAll",
    "smartSearch": "SmartSearchQueueAll",
    "duplicateDetection": "AssetDetectDuplicatesQueueAll",
    "sidecar": "SidecarQueueAll",
    "storageTemplateMigration": "StorageTemplateMigration",
    "migration": "FileMigrationQueueAll",
    "ocr": "OcrQueueAll",
    "backupDatabase": "DatabaseBackup",
}

# A one-off job (POST /jobs): the queue it runs in and the job Immich queues for it.
MANUAL_JOBS = {
    "person-cleanup": ("backgroundTask", "PersonCleanup"),
    "tag-cleanup": ("backgroundTask", "TagCleanup"),
    "user-cleanup": ("backgroundTask", "UserDeleteCheck"),
    "memory-cleanup": ("backgroundTask", "MemoryCleanup"),
    "memory-create": ("backgroundTask", "MemoryGenerate"),
    "backup-database": ("backupDatabase", "DatabaseBackup"),
    "integrity-missing-files": ("integrityCheck", "IntegrityMissingFilesQueueAll"),
    "integrity-untracked-files": ("integrityCheck", "IntegrityUntrackedFilesQueueAll"),
    "integrity-checksum-mismatch": ("integrityCheck", "IntegrityChecksumFiles"),
    "integrity-missing-files-refresh": ("integrityCheck", "IntegrityMissingFilesQueueAll"),
    "integrity-untracked-files-refresh": ("integrityCheck", "IntegrityUntrackedFilesQueueAll"),
    "integrity-checksum-mismatch-refresh": ("integrityCheck", "IntegrityChecksumFiles"),
    "integrity-missing-files-delete-all": ("integrityCheck", "IntegrityDeleteReportType"),
    "integrity-untracked-files-delete-all": ("integrityCheck", "IntegrityDeleteReportType"),
    "integrity-checksum-mismatch-delete-all": ("integrityCheck", "IntegrityDeleteReportType"),
}

routes = RouteGroup()


def _tag_cleanup(state: FakeState) -> None:
    """Immich's TagCleanup: every tag that neither it nor a tag beneath it is on an asset."""
    used = {tag_id for asset in state.assets.values() for tag_id in asset.tag_ids}
    used_values = [state.tags[t].value for t in used if t in state.tags]
    for tag in list(state.tags.values()):
        if not any(v == tag.value or v.startswith(tag.value + "/") for v in used_values):
            state.tags.pop(tag.id, None)


@routes.post("/jobs", "createJob", admin_only=True)
def create_job(call: Call) -> FakeResponse:
    name = call.json().choice("name", tuple(MANUAL_JOBS), required=True)
    assert name is not None
    queue, job = MANUAL_JOBS[name]
    state = call.state
    run = (lambda: _tag_cleanup(state)) if job == "TagCleanup" else (lambda: None)
    state.queues.submit(queue, job, run)
    return empty_response()


def _queue(call: Call) -> Queue:
    name = call.params["name"]
    if name not in QUEUE_NAMES:
        raise bad_request(f"name must be one of: {', '.join(QUEUE_NAMES)}")
    return call.state.queues.queues[name]


@routes.get("/jobs", "getQueuesLegacy", admin_only=True)
def get_queues_legacy(call: Call) -> FakeResponse:
    queues = call.state.queues.queues
    return json_response(200, {name: legacy_queue_dto(queue) for name, queue in queues.items()})


@routes.put("/jobs/{name}", "runQueueCommandLegacy", admin_only=True)
def run_queue_command_legacy(call: Call) -> FakeResponse:
    queue = _queue(call)
    command = call.json().choice("command", QUEUE_COMMANDS, required=True)
    board = call.state.queues
    if command == "start":
        if queue.name == "library":
            for library in list(call.state.libraries.values()):
                queue_library_scan(call.state, library)
        elif queue.name in START_JOBS:
            # Nothing is ever left to process, so a "queue all" job finds no work.
            board.submit(queue.name, START_JOBS[queue.name])
        else:
            raise bad_request(f"Invalid job name: {queue.name}")
    elif command == "pause":
        board.pause(queue.name)
    elif command == "resume":
        board.resume(queue.name)
    elif command == "empty":
        board.empty(queue.name)
    elif command == "clear-failed":
        board.clear_failed(queue.name)
    return json_response(200, legacy_queue_dto(queue))


@routes.get("/queues", "getQueues", admin_only=True)
def get_queues(call: Call) -> FakeResponse:
    return json_response(200, [queue_dto(queue) for queue in call.state.queues.queues.values()])


@routes.get("/queues/{name}", "getQueue", admin_only=True)
def get_queue(call: Call) -> FakeResponse:
    return json_response(200, queue_dto(_queue(call)))


@routes.put("/queues/{name}", "updateQueue", admin_only=True)
def update_queue(call: Call) -> FakeResponse:
    queue = _queue(call)
    is_paused = call.json().boolean("isPaused")
    if is_paused is True:
        call.state.queues.pause(queue.name)
    elif is_paused is False:
        call.state.queues.resume(queue.name)
    return json_response(200, queue_dto(queue))


@routes.get("/queues/{name}/jobs", "getQueueJobs", admin_only=True)
def get_queue_jobs(call: Call) -> FakeResponse:
    queue = _queue(call)
    statuses = call.query_list("status")
    for status in statuses:
        if status not in JOB_STATUSES:
            raise bad_request(f"status must be one of: {', '.join(JOB_STATUSES)}")
    # Only pending jobs are kept: the others finished the moment they were queued. A
    # paused queue's are listed as waiting and as paused, as Immich lists them.
    listed = {"waiting", "paused"} if queue.is_paused else {"waiting"}
    if statuses and not listed & set(statuses):
        return json_response(200, [])
    jobs = [
        {"id": job.id, "name": job.name, "data": job.data, "timestamp": job.timestamp_ms}
        for job in queue.waiting
    ]
    return json_response(200, jobs)


@routes.delete("/queues/{name}/jobs", "emptyQueue", admin_only=True)
def empty_queue(call: Call) -> FakeResponse:
    queue = _queue(call)
    failed = bool(call.json().boolean("failed"))
    call.state.queues.empty(queue.name, failed=failed)
    return empty_response()
