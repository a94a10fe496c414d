"""FakeImmich's Python-side API: seeding helpers, inspection, and the pytest plugin."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from immich.testing import FakeImmich
from immich.testing.pytest_plugin import immich_fake, immich_fake_url  # noqa: F401


def test_constructor_seeds_an_admin() -> None:
    fake = FakeImmich(api_key="my-key", admin_email="root@example.com", admin_password="pw")
    assert fake.api_key == "my-key"
    assert (fake.admin_email, fake.admin_password) == ("root@example.com", "pw")
    assert fake.admin["email"] == "root@example.com"
    assert fake.admin["isAdmin"] is True
    generated = FakeImmich()
    assert len(generated.api_key) > 20
    assert generated.api_key != FakeImmich().api_key


def test_add_asset_and_create_user() -> None:
    fake = FakeImmich()
    user_id, key = fake.create_user(email="kim@example.com", name="Kim")
    first = fake.add_asset(b"abc", filename="a.jpg", owner=user_id, taken_at="2020-05-06T07:08:09Z")
    second = fake.add_asset(
        b"def",
        filename="b.mp4",
        taken_at=datetime(2021, 1, 2, tzinfo=timezone.utc),
        is_favorite=True,
    )
    assert fake.add_asset(b"abc", owner=user_id) == first
    assert fake.asset(first)["fileCreatedAt"] == "2020-05-06T07:08:09.000Z"
    assert fake.asset(first)["ownerId"] == user_id
    assert (fake.asset(second)["type"], fake.asset(second)["isFavorite"]) == ("VIDEO", True)
    assert fake.asset_ids(owner=user_id) == [first]
    assert fake.asset_bytes(second) == b"def"
    with httpx.Client(transport=fake.transport(), base_url="http://fake/api") as client:
        mine = client.post("/search/metadata", json={}, headers={"x-api-key": key}).json()
    assert [item["id"] for item in mine["assets"]["items"]] == [first]
    with pytest.raises(ValueError, match="already exists"):
        fake.create_user(email="KIM@example.com", name="Kim again")
    with pytest.raises(KeyError):
        fake.add_asset(b"x", owner="no-such-user")


def test_storage_dir_keeps_the_bytes(tmp_path: Path) -> None:
    fake = FakeImmich(storage_dir=tmp_path)
    asset_id = fake.add_asset(b"on disk", filename="d.jpg")
    path = Path(fake.asset(asset_id)["originalPath"])
    assert path.parent.parent.parent == tmp_path
    assert path.read_bytes() == b"on disk"


def test_plugin_fixtures(immich_fake: FakeImmich, immich_fake_url: str) -> None:  # noqa: F811
    response = httpx.get(
        immich_fake_url + "/api/users/me", headers={"x-api-key": immich_fake.api_key}
    )
    assert response.json()["email"] == immich_fake.admin_email


def test_a_naive_taken_at_is_utc_and_mixes_with_aware_ones() -> None:
    fake = FakeImmich()
    fake.add_asset(b"\xff\xd8 one", filename="1.jpg", taken_at=datetime(2024, 3, 1))
    fake.add_asset(
        b"\xff\xd8 two", filename="2.jpg", taken_at=datetime(2024, 4, 2, tzinfo=timezone.utc)
    )
    with httpx.Client(
        transport=fake.transport(), base_url="http://fake/api", headers={"x-api-key": fake.api_key}
    ) as api:
        found = api.post("/search/metadata", json={"takenAfter": "2024-02-01T00:00:00Z"})
    assert found.status_code == 200
    items = found.json()["assets"]["items"]
    assert sorted(item["fileCreatedAt"][:10] for item in items) == ["2024-03-01", "2024-04-02"]


def test_an_admin_created_user_keeps_its_quota() -> None:
    fake = FakeImmich()
    with httpx.Client(
        transport=fake.transport(), base_url="http://fake/api", headers={"x-api-key": fake.api_key}
    ) as api:
        created = api.post(
            "/admin/users",
            json={
                "email": "q@example.com",
                "name": "Q",
                "password": "pw",
                "quotaSizeInBytes": 50 * 1024**3,
            },
        )
    assert created.status_code == 201
    assert created.json()["quotaSizeInBytes"] == 50 * 1024**3
