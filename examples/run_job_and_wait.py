"""Start a background job queue (or a one-off job) and wait until it has finished.

    python examples/run_job_and_wait.py thumbnailGeneration
    python examples/run_job_and_wait.py smartSearch --force --timeout 3600
    python examples/run_job_and_wait.py tag-cleanup
    python examples/run_job_and_wait.py --list

Immich does its heavy work in job queues (thumbnails, metadata, faces, smart search,
library scans, ...). Starting a queue asks the server to queue every asset that needs
the job (``--force``: every asset). ``client.wait.run_job`` starts it and waits, polling
with backoff, until the queue has nothing active, waiting or delayed; this prints the
jobs left as they change. Needs an admin's API key. With IMMICH_URL and IMMICH_API_KEY
unset it runs against the built-in fake server.
"""

from __future__ import annotations

import argparse
import sys

from _demo import connect, demo_dates

from immich import Client, ImmichError, QueuePausedError, WaitProgress, WaitTimeoutError
from immich.models import QueueName
from immich.testing import FakeImmich, tiny_jpeg


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


def show(progress: WaitProgress) -> None:
    """Called after every look at the queue."""
    counts = ", ".join(f"{name}={count}" for name, count in progress.detail.items())
    print(f"  {progress.pending} jobs left ({counts}) after {progress.elapsed:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="thumbnailGeneration", help="queue or job")
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

            print(f"Starting {args.name}{' (all assets)' if args.force else ''}")
            try:
                run = client.wait.run_job(
                    args.name, force=args.force, timeout=args.timeout, progress=show
                )
                print(f"Done: {run.name} has no jobs left ({run.failed} failed)")
                return 1 if run.failed else 0
            except QueuePausedError as exc:  # started, but it would never finish
                print(f"The {exc.queue} queue is paused with {exc.jobs} jobs: resuming it")
                client.queues.update_queue(exc.queue, is_paused=False)
                (queue,) = client.wait.for_queues(exc.queue, timeout=args.timeout, progress=show)
                print(f"Done: {queue.name.value} has no jobs left")
                return 0
            except WaitTimeoutError as exc:
                print(f"Gave up: {exc}", file=sys.stderr)
                return 1
    except (ImmichError, ValueError) as exc:  # ValueError: an unknown name
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
