"""Bulk upload of a camera roll: what the result says of every file, the albums made from
folders, the assets the server stored and what it read from them, searching them, and a
second run over the unchanged folder."""

from __future__ import annotations

import base64
import datetime
import hashlib
import posixpath
from collections import Counter

import pytest

from immich import AsyncClient
from immich.models import AssetResponseDto, AssetTypeEnum, AssetVisibility
from tests.e2e._async.uploads import ROOT_ALBUM, Uploaded, relative
from tests.e2e.corpus import BERLIN, PARIS
from tests.e2e.server import Server

UTC = datetime.timezone.utc


def _names(assets: list[AssetResponseDto]) -> Counter[str]:
    return Counter(a.original_file_name for a in assets)


async def _all_assets(client: AsyncClient, **filters: object) -> list[AssetResponseDto]:
    """Every asset of the user, in one page (one query: a consistent answer)."""
    answer = await client.search.search_assets(size=1000, with_exif=True, **filters)  # type: ignore[arg-type]
    found = answer.assets
    assert found.next_page is None
    return found.items


async def test_the_result_accounts_for_every_file(uploaded: Uploaded) -> None:
    corpus, result = uploaded.corpus, uploaded.result
    uploaded_files = {relative(corpus, p) for p in result.uploaded}
    duplicate_files = {relative(corpus, p) for p in result.duplicates}
    assert uploaded_files | duplicate_files == set(corpus.uploadable)
    assert len(set(result.uploaded.values())) == len(result.uploaded) == corpus.assets
    # Of two byte-identical files, one is uploaded and the other is its duplicate (which
    # one depends on which upload the server finished first: both were new when asked).
    pair = set(corpus.duplicates[0])
    assert len(uploaded_files & pair) == 1
    assert duplicate_files == pair - uploaded_files
    assert len({uploaded.id(rel) for rel in pair}) == 1
    assert [relative(corpus, p) for p in result.unsupported] == corpus.unsupported
    assert dict(result.failed) == {}
    assert dict(result.album_failures) == {}
    assert result.ok
    assert not result.dry_run
    reported = (
        uploaded_files
        | duplicate_files
        | {relative(corpus, p) for p in [*result.unsupported, *result.failed]}
    )
    # The hidden folder is skipped without a word; the sidecar travels with its photo.
    assert not reported & set(corpus.hidden)
    assert not any(name.endswith(".xmp") for name in reported)
    # Every file was sent (the copy too: the server had neither when asked), sidecars aside.
    sent = sum((corpus.root / rel).stat().st_size for rel in corpus.uploadable)
    assert result.bytes_uploaded == sent
    as_dict = result.to_dict()
    assert as_dict["ok"] is True
    assert len(as_dict["uploaded"]) == corpus.assets


async def test_an_album_per_folder(client: AsyncClient, uploaded: Uploaded) -> None:
    ids = uploaded.ids
    expected = {
        "Berlin 2021": {
            ids["Berlin 2021/IMG_0001.jpg"],
            ids["Berlin 2021/IMG_0002.jpg"],
            ids["Berlin 2021/IMG_0003.jpg"],
            ids["Berlin 2021/Straße am Fluss.jpg"],
        },
        "Paris": {ids["Paris/été 2019 — café.jpg"], ids["Paris/日本語の名前.jpg"]},
        "Screenshots": {ids["Screenshots/screen shot 1.png"]},
        "Videos": {ids["Videos/clip.mp4"], ids["Videos/clip two.mov"]},
        # A live photo is one entry: the still (its video is part of it, not an entry).
        "Live": {ids["Live/IMG_0100.JPG"]},
        # The copy is the asset of Berlin 2021/IMG_0001.jpg, in this album too.
        "Copies": {ids["Berlin 2021/IMG_0001.jpg"]},
        # Files at the top of the folder: an album named after the folder itself.
        ROOT_ALBUM: {ids["no date.jpg"]},
    }
    albums = {album.album_name: album for album in await client.albums.get_all_albums()}
    assert set(albums) == set(expected)
    assert dict(uploaded.result.albums) == {name: albums[name].id for name in expected}
    for name, members in expected.items():
        found = await client.search.search_assets(album_ids=[albums[name].id], size=1000)
        assert {a.id for a in found.assets.items} == members, name
        assert albums[name].asset_count == len(members), name


async def test_the_server_holds_each_file_once(
    client: AsyncClient, uploaded: Uploaded, server: Server
) -> None:
    corpus = uploaded.corpus
    still, motion = corpus.live_photo
    assets = await _all_assets(client)
    if server.version < (3, 0, 0):
        # 2.x searches the timeline alone without a visibility: the hidden video apart.
        assert uploaded.id(motion) not in {a.id for a in assets}
        assets += await _all_assets(client, visibility=AssetVisibility.HIDDEN)
    assert len(assets) == corpus.assets
    assert {a.id for a in assets} == uploaded.asset_ids
    videos = {*corpus.videos, motion}
    images = {*corpus.photos, still}
    expected = Counter(
        (posixpath.basename(rel), AssetTypeEnum.VIDEO if rel in videos else AssetTypeEnum.IMAGE)
        for rel in images | videos
    )
    assert Counter((a.original_file_name, a.type) for a in assets) == expected
    by_id = {a.id: a for a in assets}
    for rel in images | videos:
        asset = by_id[uploaded.id(rel)]
        local = corpus.root / rel
        assert asset.exif_info.file_size_in_byte == local.stat().st_size, rel
        digest = base64.b64encode(hashlib.sha1(local.read_bytes()).digest()).decode()
        assert asset.checksum == digest, rel
        # The live photo's video is hidden; everything else is on the timeline.
        visibility = AssetVisibility.HIDDEN if rel == motion else AssetVisibility.TIMELINE
        assert asset.visibility == visibility, rel
        assert (asset.is_trashed, asset.is_favorite) == (False, False), rel
    assert not _names(assets).keys() & {posixpath.basename(h) for h in corpus.hidden}


async def test_a_second_run_uploads_nothing(client: AsyncClient, uploaded: Uploaded) -> None:
    corpus = uploaded.corpus
    before = {a.id for a in await _all_assets(client)}
    albums_before = {a.album_name: a.id for a in await client.albums.get_all_albums()}
    again = await client.upload(corpus.root, album_from_folder=True, hash_cache=uploaded.hash_cache)
    assert dict(again.uploaded) == {}
    assert {relative(corpus, p): i for p, i in again.duplicates.items()} == uploaded.ids
    assert [relative(corpus, p) for p in again.unsupported] == corpus.unsupported
    assert again.ok
    assert again.bytes_uploaded == 0
    # The same albums, found by name rather than made again.
    assert dict(again.albums) == dict(uploaded.result.albums)
    assert {a.album_name: a.id for a in await client.albums.get_all_albums()} == albums_before
    assert {a.id for a in await _all_assets(client)} == before


async def test_the_server_read_dates_places_and_sidecars(
    client: AsyncClient, uploaded: Uploaded
) -> None:
    corpus = uploaded.corpus
    failures = []
    for rel in [*corpus.photos, *corpus.live_photo, *corpus.videos]:
        asset = await client.assets.get_asset_info(uploaded.id(rel))
        exif = asset.exif_info
        taken = corpus.taken(rel)
        # The instant, and the wall-clock time where it was taken (localDateTime).
        if exif.date_time_original != taken:
            failures.append(f"{rel}: taken {exif.date_time_original}, expected {taken}")
        wall_clock = taken.replace(tzinfo=None)
        if asset.local_date_time.replace(tzinfo=None) != wall_clock:
            failures.append(f"{rel}: local time {asset.local_date_time}, expected {wall_clock}")
        if asset.file_created_at != taken:
            failures.append(f"{rel}: fileCreatedAt {asset.file_created_at}, expected {taken}")
        if asset.file_modified_at != corpus.mtimes[rel]:
            failures.append(f"{rel}: fileModifiedAt {asset.file_modified_at}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("rel", "place", "city", "country"),
    [
        ("Berlin 2021/IMG_0001.jpg", BERLIN, "Berlin", "Germany"),
        ("Berlin 2021/IMG_0002.jpg", BERLIN, "Berlin", "Germany"),
        ("Paris/été 2019 — café.jpg", PARIS, "Paris", "France"),
        ("Berlin 2021/Straße am Fluss.jpg", None, None, None),
    ],
)
async def test_the_server_read_gps_and_found_the_city(
    client: AsyncClient,
    uploaded: Uploaded,
    rel: str,
    place: tuple[float, float] | None,
    city: str | None,
    country: str | None,
) -> None:
    asset = await client.assets.get_asset_info(uploaded.id(rel))
    exif = asset.exif_info
    if place is None:
        assert (exif.latitude, exif.longitude) == (None, None)
    else:
        assert exif.latitude == pytest.approx(place[0], abs=1e-4)
        assert exif.longitude == pytest.approx(place[1], abs=1e-4)
    assert (exif.city, exif.country) == (city, country)


async def test_the_server_read_the_camera_and_size(client: AsyncClient, uploaded: Uploaded) -> None:
    asset = await client.assets.get_asset_info(uploaded.id("Berlin 2021/IMG_0002.jpg"))
    assert (asset.exif_info.make, asset.exif_info.model) == ("E2E Camera", "Model 1")
    assert (asset.exif_info.exif_image_width, asset.exif_info.exif_image_height) == (96, 64)
    assert (asset.width, asset.height) == (96, 64)
    assert asset.original_mime_type == "image/jpeg"
    png = await client.assets.get_asset_info(uploaded.id("Screenshots/screen shot 1.png"))
    assert (png.width, png.height, png.original_mime_type) == (40, 30, "image/png")


async def test_the_live_photo_is_linked(client: AsyncClient, uploaded: Uploaded) -> None:
    still_rel, motion_rel = uploaded.corpus.live_photo
    still = await client.assets.get_asset_info(uploaded.id(still_rel))
    motion = await client.assets.get_asset_info(uploaded.id(motion_rel))
    assert still.live_photo_video_id == motion.id
    assert still.type == AssetTypeEnum.IMAGE
    assert motion.type == AssetTypeEnum.VIDEO
    assert motion.visibility == AssetVisibility.HIDDEN
    assert still.visibility == AssetVisibility.TIMELINE
    # The timeline shows the still only; the motion part is found among hidden assets.
    timeline = await client.search.search_assets(
        visibility=AssetVisibility.TIMELINE, type=AssetTypeEnum.VIDEO, size=1000
    )
    assert motion.id not in {a.id for a in timeline.assets.items}
    hidden = await client.search.search_assets(visibility=AssetVisibility.HIDDEN, size=1000)
    assert [a.id for a in hidden.assets.items] == [motion.id]


async def test_the_sidecar_gave_description_and_rating(
    client: AsyncClient, uploaded: Uploaded
) -> None:
    [(rel, description)] = uploaded.corpus.sidecar_descriptions.items()
    asset = await client.assets.get_asset_info(uploaded.id(rel))
    exif = asset.exif_info
    assert exif.description == description
    assert exif.rating == 4  # xmp_sidecar's default
    other = await client.assets.get_asset_info(uploaded.id("Berlin 2021/IMG_0002.jpg"))
    assert (other.exif_info.description, other.exif_info.rating) == ("", None)


async def test_video_durations(client: AsyncClient, uploaded: Uploaded) -> None:
    for rel, milliseconds in uploaded.corpus.durations.items():
        asset = await client.assets.get_asset_info(uploaded.id(rel))
        assert asset.type == AssetTypeEnum.VIDEO, rel
        assert asset.duration == pytest.approx(milliseconds, abs=50), rel
    photo = await client.assets.get_asset_info(uploaded.id("no date.jpg"))
    assert photo.duration is None


async def _found(client: AsyncClient, **filters: object) -> set[str]:
    answer = await client.search.search_assets(size=1000, **filters)  # type: ignore[arg-type]
    assert answer.assets.next_page is None
    return {a.original_file_name for a in answer.assets.items}


async def test_metadata_search_filters(
    client: AsyncClient, uploaded: Uploaded, server: Server
) -> None:
    berlin = {"IMG_0001.jpg", "IMG_0002.jpg", "IMG_0003.jpg", "Straße am Fluss.jpg"}
    in_2021 = await _found(
        client,
        taken_after=datetime.datetime(2021, 1, 1, tzinfo=UTC),
        taken_before=datetime.datetime(2022, 1, 1, tzinfo=UTC),
    )
    assert in_2021 == {*berlin, "IMG_0100.JPG"}
    # The bounds are inclusive: the Paris photo taken at 20:00 UTC exactly.
    paris_evening = datetime.datetime(2019, 7, 14, 20, 0, tzinfo=UTC)
    assert await _found(client, taken_after=paris_evening, taken_before=paris_evening) == {
        "été 2019 — café.jpg"
    }
    assert await _found(client, city="Berlin") == {"IMG_0001.jpg", "IMG_0002.jpg"}
    assert await _found(client, city="Paris") == {"été 2019 — café.jpg"}
    assert await _found(client, country="Germany") == {"IMG_0001.jpg", "IMG_0002.jpg"}
    videos = {"clip.mp4", "clip two.mov"}
    if server.version < (3, 0, 0):
        # 2.x searches the timeline alone without a visibility: the live photo's video
        # (hidden) only when asked for.
        assert await _found(client, type=AssetTypeEnum.VIDEO) == videos
        hidden = await _found(client, type=AssetTypeEnum.VIDEO, visibility=AssetVisibility.HIDDEN)
        assert hidden == {"IMG_0100.MOV"}
    else:
        assert await _found(client, type=AssetTypeEnum.VIDEO) == {*videos, "IMG_0100.MOV"}
    # A file name matches in part, case- and accent-insensitively.
    assert await _found(client, original_file_name="img_000") == {
        "IMG_0001.jpg",
        "IMG_0002.jpg",
        "IMG_0003.jpg",
    }
    assert await _found(client, original_file_name="café") == {"été 2019 — café.jpg"}
    assert await _found(client, original_file_name="日本語") == {"日本語の名前.jpg"}
    assert await _found(client, make="E2E Camera", city="Berlin") == {
        "IMG_0001.jpg",
        "IMG_0002.jpg",
    }
    assert await _found(client, description="sidecar") == {"IMG_0003.jpg"}
    album = uploaded.result.albums["Berlin 2021"]
    assert await _found(client, album_ids=[album]) == berlin
    assert await _found(client, album_ids=[album], city="Berlin") == {
        "IMG_0001.jpg",
        "IMG_0002.jpg",
    }
    assert await _found(client, original_file_name="no such file") == set()


@pytest.mark.parametrize("size", [1, 2, 3, 5])
async def test_iter_assets_yields_every_asset_once(
    client: AsyncClient, uploaded: Uploaded, size: int
) -> None:
    """Over pages of ``size``, with and without a filter. (The corpus has two photos
    taken in the same second, as a burst has.)"""
    everything = {a.id: a for a in await _all_assets(client)}
    images = {i for i, a in everything.items() if a.type == AssetTypeEnum.IMAGE}
    for wanted, filters in [(set(everything), {}), (images, {"type": AssetTypeEnum.IMAGE})]:
        got = [a.id async for a in client.search.iter_assets(size=size, **filters)]
        repeated = sorted(
            everything[i].original_file_name for i, n in Counter(got).items() if n > 1
        )
        missing = sorted(everything[i].original_file_name for i in wanted - set(got))
        assert (repeated, missing) == ([], []), f"{filters}: repeated and missing assets"
        assert len(got) == len(wanted)
