from immich import Client
from immich.models import QueueName

with Client() as client:  # the queue endpoints need an admin
    for queue in client.queues.get_queues():
        s = queue.statistics
        print(f"{queue.name.value:28} waiting={s.waiting} active={s.active} failed={s.failed}")

    thumbnails = QueueName.THUMBNAIL_GENERATION
    client.queues.update_queue(thumbnails, is_paused=True)
    print("paused:", client.queues.get_queue(thumbnails).is_paused)
    client.queues.update_queue(thumbnails, is_paused=False)

    # Wait until the queue has nothing left to do (QueuePausedError if it were paused).
    client.wait.for_queues(thumbnails, timeout=600)
    print("thumbnail queue idle")

    # Run a one-off job (or start a queue: "thumbnailGeneration") and wait until it has run.
    run = client.wait.run_job("person-cleanup", timeout=3600)
    print(f"{run.name}: done in {run.elapsed:.1f} s, {run.failed} failed")
