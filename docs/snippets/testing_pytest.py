# test_photo_report.py: run with `pytest -p immich.testing.pytest_plugin`, or enable the
# plugin in your top-level conftest.py: pytest_plugins = ["immich.testing.pytest_plugin"]
from collections import Counter
from datetime import datetime, timezone

import pytest

from immich import AsyncClient, Client, NotFoundError
from immich.testing import FakeImmich, tiny_jpeg


def photos_per_month(client: Client) -> dict[str, int]:
    """The code under test: it only needs a client."""
    months = Counter(a.file_created_at.strftime("%Y-%m") for a in client.search.iter_assets())
    return dict(sorted(months.items()))


def test_counts_photos_per_month(immich_fake: FakeImmich, immich_client: Client) -> None:
    for day in (1, 15):  # seed the fake directly: no HTTP, no upload
        immich_fake.add_asset(
            tiny_jpeg(day),
            filename=f"{day}.jpg",
            taken_at=datetime(2024, 3, day, tzinfo=timezone.utc),
        )
    immich_fake.add_asset(tiny_jpeg(99), taken_at=datetime(2024, 4, 2, tzinfo=timezone.utc))

    assert photos_per_month(immich_client) == {"2024-03": 2, "2024-04": 1}


def test_errors_are_real(immich_client: Client) -> None:
    with pytest.raises(NotFoundError):
        immich_client.assets.get_asset_info("00000000-0000-4000-8000-000000000000")


@pytest.mark.asyncio  # (not needed with pytest-asyncio's asyncio_mode = "auto")
async def test_the_async_client(immich_fake: FakeImmich, immich_async_client: AsyncClient) -> None:
    user_id, _key = immich_fake.create_user(email="bob@example.com", name="Bob")
    users = await immich_async_client.users_admin.search_users_admin()
    assert user_id in {u.id for u in users}


def test_over_a_socket(immich_fake: FakeImmich, immich_fake_url: str) -> None:
    # For code that builds its own client from a URL, or runs another process.
    with Client(immich_fake_url, api_key=immich_fake.api_key) as client:
        assert client.server.ping_server().res == "pong"
