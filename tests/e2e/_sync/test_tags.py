"""Tags on the real server: a hierarchy, tagging assets, reading them back, untagging,
deleting."""

from __future__ import annotations

import pytest

import immich
from immich import Client
from tests.e2e._sync.polling import eventually
from tests.e2e.server import Uploaded


def test_tag_hierarchy_and_assets(client: Client, photos: list[Uploaded]) -> None:
    first, second, third = (p.id for p in photos)

    parent = client.tags.create_tag(name="E2E Places", color="#ff0000")
    child = client.tags.create_tag(name="Berlin", parent_id=parent.id)
    try:
        assert parent.value == "E2E Places"
        assert parent.color == "#ff0000"
        assert child.name == "Berlin"
        assert child.value == "E2E Places/Berlin"
        assert child.parent_id == parent.id

        # upsert makes every level of a path.
        upserted = client.tags.upsert_tags(tags=["E2E Years/2021/June"])
        assert [t.value for t in upserted] == ["E2E Years/2021/June"]
        leaf = upserted[0]
        by_value = {t.value: t for t in client.tags.get_all_tags()}
        assert {"E2E Places", "E2E Places/Berlin", "E2E Years", "E2E Years/2021"} <= set(by_value)
        assert by_value["E2E Years/2021/June"].id == leaf.id
        assert leaf.parent_id == by_value["E2E Years/2021"].id
        assert by_value["E2E Years/2021"].parent_id == by_value["E2E Years"].id

        # Tag assets, one at a time and in bulk.
        tagged = client.tags.tag_assets(child.id, ids=[first, second])
        assert [(r.id, r.success) for r in tagged] == [(first, True), (second, True)]
        again = client.tags.tag_assets(child.id, ids=[first])
        assert again[0].success is False
        assert again[0].error is not None
        assert again[0].error.value == "duplicate"
        bulk = client.tags.bulk_tag_assets(tag_ids=[leaf.id], asset_ids=[second, third])
        assert bulk.count == 2

        # Each tagging queues a sidecar write and a metadata job that sets the asset's
        # tags again from what was written: an earlier job can briefly take away a tag
        # given after it was queued; the last one puts it back.
        eventually(
            lambda: _tags_of(client, second, {"E2E Places/Berlin", "E2E Years/2021/June"}),
            what="the asset to carry both tags",
        )
        # A tag made by POST /tags has no rows in the server's tag hierarchy table until
        # the metadata job that tagging queues upserts it: searching by it finds nothing
        # for a moment (Immich 3.0.3; the asset's own tags are right at once).
        eventually(
            lambda: _search_by_tag(client, child.id, {first, second}),
            what="the search by tag to find the tagged assets",
        )
        # A parent tag finds its children's assets.
        eventually(
            lambda: _search_by_tag(client, parent.id, {first, second}),
            what="the search by the parent tag",
        )

        got = client.tags.get_tag_by_id(child.id)
        assert (got.id, got.value, got.parent_id) == (child.id, "E2E Places/Berlin", parent.id)
        with pytest.warns(DeprecationWarning, match="update_tag is deprecated"):
            recoloured = client.tags.update_tag(child.id, color="#00ff00")
        assert recoloured.color == "#00ff00"

        # Untag.
        untagged = client.tags.untag_assets(child.id, ids=[first])
        assert [(r.id, r.success) for r in untagged] == [(first, True)]
        eventually(
            lambda: _search_by_tag(client, child.id, {second}),
            what="the untagged asset to leave the search",
        )
    finally:
        client.tags.delete_tag(parent.id)
        years = [t for t in client.tags.get_all_tags() if t.value == "E2E Years"]
        for tag in years:
            client.tags.delete_tag(tag.id)

    # Deleting a parent deletes its children.
    remaining = {t.value for t in client.tags.get_all_tags()}
    assert not {v for v in remaining if v.startswith(("E2E Places", "E2E Years"))}
    with pytest.raises(immich.BadRequestError) as gone:
        client.tags.get_tag_by_id(child.id)
    assert gone.value.server_message == "Not found or no tag.read access"
    info = client.assets.get_asset_info(second)
    assert not info.tags


def _search_by_tag(client: Client, tag_id: str, expected: set[str]) -> bool:
    found = client.search.search_assets(tag_ids=[tag_id])
    return {a.id for a in found.assets.items} == expected


def _tags_of(client: Client, asset_id: str, expected: set[str]) -> bool:
    info = client.assets.get_asset_info(asset_id)
    return {t.value for t in info.tags or []} == expected
