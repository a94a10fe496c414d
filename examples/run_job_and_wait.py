"""Start a background job queue (or a one-off job) and wait until it has finished.

    python examples/run_job_and_wait.py thumbnailGeneration
    python examples/run_job_and_wait.py smartSearch --force --timeout 3600
    python examples/run_job_and_wait.py --list

Immich does its heavy work in job queues (thumbnails, metadata, faces, smart search,
library scans, ...). Starting a queue asks the server to queue every asset that needs
the job (``--force``: every asset). This polls the queue every few seconds, printing its
counts, until it has nothing active, waiting or delayed. Needs an admin's API key.
With IMMICH_URL and IMMICH_API_KEY unset it runs against the built-in fake server.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings

from _demo import connect, demo_dates

from immich import Client, ImmichError
from immich.models import QueueCommand, QueueName, QueueResponseDto
from immich.testing import FakeImmich, tiny_jpeg

POLL_SECONDS = 2.0

# Immich 3 marks PUT /jobs/{name} deprecated, but it is still the only way to start a
# queue; the SDK warns on every deprecated call.
warnings.filterwarnings("ignore", message="run_queue_command_legacy is deprecated")


def find_queue(text: str) -> QueueName:
    """``thumbnailGeneration``, ``thumbnail-generation`` and ``THUMBNAIL_GENERATION``."""
    wanted = text.replace("-", "").replace("_", "").lower()
    for queue in QueueName:
        if queue.value.lower() == wanted:
            return queue
    raise SystemExit(f"no queue {text!r}; try --list")


def pending(queue: QueueResponseDto) -> int:
    stats = queue.statistics
    return stats.active + stats.waiting + stats.delayed


def seed(fake: FakeImmich) -> None:
    """On the fake: a paused thumbnail queue with three uploads waiting in it."""
    with Client(
        base_url="http://127.0.0.1:2283", api_key=fake.api_key, transport=fake.transport()
    ) as client:
        client.queues.update_queue(QueueName.THUMBNAIL_GENERATION, is_paused=True)
        for number, taken in enumerate(demo_dates(3), 1):
            client.assets.upload_asset(
                asset_data=(f"IMG_{number}.jpg", tiny_jpeg(number)),
                file_created_at=taken,
                file_modified_at=taken,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queue", nargs="?", default="thumbnailGeneration")
    parser.add_argument("--force", action="store_true", help="process every asset again")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait")
    parser.add_argument("--list", action="store_true", help="list the queues and stop")
    args = parser.parse_args(argv)

    try:
        with connect(seed) as client:
            if args.list:
                for queue in client.queues.get_queues():
                    s = queue.statistics
                    state = "paused" if queue.is_paused else "running"
                    print(f"{queue.name.value:26} {state:8} active={s.active} waiting={s.waiting}")
                return 0

            name = find_queue(args.queue)
            queue = client.queues.get_queue(name)
            print(f"{name.value}: {queue.statistics.waiting} jobs waiting")
            if queue.is_paused:
                print(f"The {name.value} queue is paused: resuming it")
                client.queues.update_queue(name, is_paused=False)
            client.jobs.run_queue_command_legacy(name, command=QueueCommand.START, force=args.force)
            print(f"Started {name.value}{' (all assets)' if args.force else ''}")

            deadline = time.monotonic() + args.timeout
            idle = 0
            while idle < 2:  # idle on two looks in a row: follow-up jobs had their chance
                queue = client.queues.get_queue(name)
                s = queue.statistics
                idle = 0 if pending(queue) else idle + 1
                print(
                    f"  active={s.active} waiting={s.waiting} delayed={s.delayed} "
                    f"completed={s.completed} failed={s.failed}"
                )
                if idle < 2:
                    if time.monotonic() > deadline:
                        print(f"Gave up after {args.timeout:g} s", file=sys.stderr)
                        return 1
                    time.sleep(POLL_SECONDS if not idle else POLL_SECONDS / 4)
            print(f"Done: {name.value} has no jobs left ({s.failed} failed)")
            return 1 if s.failed else 0
    except ImmichError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
