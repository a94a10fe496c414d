import time

from immich import Client
from immich.models import QueueName


def pending(client: Client, name: QueueName) -> int:
    stats = client.queues.get_queue(name).statistics
    return stats.active + stats.waiting + stats.delayed


with Client() as client:  # the queue endpoints need an admin
    for queue in client.queues.get_queues():
        s = queue.statistics
        print(f"{queue.name.value:28} waiting={s.waiting} active={s.active} failed={s.failed}")

    thumbnails = QueueName.THUMBNAIL_GENERATION
    client.queues.update_queue(thumbnails, is_paused=True)
    print("paused:", client.queues.get_queue(thumbnails).is_paused)
    client.queues.update_queue(thumbnails, is_paused=False)

    # Wait until the queue has nothing left to do.
    while pending(client, thumbnails):
        time.sleep(2)
    print("thumbnail queue idle")
