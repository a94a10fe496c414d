"""Queues and jobs on the real server (an admin's business): pause a queue, see a manual
job wait in it, resume it, wait until the job has run and see what it made.

The server is shared: a queue is paused for a second or so and is resumed in a
``finally``; the job is a database backup, whose file is deleted afterwards.
"""

from __future__ import annotations

import pytest

import immich
from immich import Client
from immich.models import JobName, ManualJobName, QueueCommand, QueueJobStatus, QueueName
from tests.e2e._sync.polling import eventually

QUEUE = QueueName.BACKUP_DATABASE
JOB = JobName.DATABASE_BACKUP  # what ManualJobName.BACKUP_DATABASE runs, in that queue
PENDING = [QueueJobStatus.WAITING, QueueJobStatus.PAUSED, QueueJobStatus.ACTIVE]


def _backups(admin: Client) -> set[str]:
    return {b.filename for b in (admin.backups.list_database_backups()).backups}


def _pending_jobs(admin: Client) -> list[JobName]:
    return [job.name for job in admin.queues.get_queue_jobs(QUEUE, status=PENDING)]


def test_pause_queue_job_waits_resume_runs_it(admin: Client) -> None:
    before = _backups(admin)
    paused = admin.queues.update_queue(QUEUE, is_paused=True)
    try:
        assert paused.name == QUEUE
        assert paused.is_paused is True
        assert (admin.queues.get_queue(QUEUE)).is_paused is True
        listed = {q.name: q.is_paused for q in admin.queues.get_queues()}
        assert listed[QUEUE] is True
        with pytest.warns(DeprecationWarning, match="get_queues_legacy is deprecated"):
            legacy = admin.jobs.get_queues_legacy()
        assert legacy.backup_database.queue_status.is_paused is True

        admin.jobs.create_job(name=ManualJobName.BACKUP_DATABASE)
        assert JOB in _pending_jobs(admin)
        # One status alone (3.0.3 refuses ?status=paused given once: the SDK sends it twice).
        held = admin.queues.get_queue_jobs(QUEUE, status=[QueueJobStatus.PAUSED])
        assert JOB in [job.name for job in held]
        stats = (admin.queues.get_queue(QUEUE)).statistics
        assert stats.paused >= 1
        assert stats.waiting == 0  # a paused queue's jobs count as paused
        assert _backups(admin) == before  # nothing ran yet
    finally:
        resumed = admin.queues.update_queue(QUEUE, is_paused=False)
    made: set[str] = set()
    try:
        assert resumed.is_paused is False
        assert (admin.queues.get_queue(QUEUE)).is_paused is False

        eventually(lambda: _job_done(admin), what="the backup job to run", timeout=120)
        made = _backups(admin) - before
        assert len(made) == 1
        (name,) = made
        assert name.startswith("immich-db-backup-")
        assert name.endswith(".sql.gz")
    finally:
        if made:
            admin.backups.delete_database_backup(backups=sorted(made))
    assert not made & _backups(admin)


def test_legacy_queue_commands(admin: Client) -> None:
    """The pre-3.0 ``PUT /jobs/{name}`` commands still pause and resume."""
    queue = QueueName.SMART_SEARCH  # machine learning is off here: nothing runs in it
    try:
        with pytest.warns(DeprecationWarning, match="run_queue_command_legacy is deprecated"):
            answer = admin.jobs.run_queue_command_legacy(queue, command=QueueCommand.PAUSE)
        assert answer.queue_status.is_paused is True
        assert (admin.queues.get_queue(queue)).is_paused is True
    finally:
        with pytest.warns(DeprecationWarning, match="run_queue_command_legacy"):
            answer = admin.jobs.run_queue_command_legacy(queue, command=QueueCommand.RESUME)
    assert answer.queue_status.is_paused is False
    assert (admin.queues.get_queue(queue)).is_paused is False


def test_a_user_may_not_touch_the_queues(client: Client) -> None:
    with pytest.raises(immich.PermissionDeniedError) as refused:
        client.queues.update_queue(QUEUE, is_paused=True)
    assert refused.value.permission == "queue.update"
    assert refused.value.server_message == "Forbidden"
    with pytest.raises(immich.PermissionDeniedError) as refused_job:
        client.jobs.create_job(name=ManualJobName.BACKUP_DATABASE)
    assert refused_job.value.permission == "job.create"


def _job_done(admin: Client) -> bool:
    return JOB not in _pending_jobs(admin)
