"""An external library on the real server: a folder of this machine (the server runs
here, and reads it), made by the admin for the module's user, validated, scanned,
counted and deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

import immich
from immich import AsyncClient
from tests.e2e._async.polling import eventually
from tests.e2e.corpus import jpeg
from tests.e2e.server import Account


async def _library_assets(client: AsyncClient, library_id: str) -> dict[str, str]:
    """``{original file name: asset id}`` of the user's assets from that library."""
    found = await client.search.search_assets(library_id=library_id, size=100)
    return {a.original_file_name: a.id for a in found.assets.items}


async def test_external_library_scan_and_delete(
    client: AsyncClient, admin: AsyncClient, account: Account, tmp_path: Path
) -> None:
    folder = tmp_path / "nas"
    names = ["lib-1.jpg", "lib-2.jpg", "sub/lib-3.jpg"]
    for n, name in enumerate(names):
        jpeg(folder / name, seed=7000 + n)
    (folder / "@eaDir").mkdir()
    jpeg(folder / "@eaDir" / "skipped.jpg", seed=7100)

    library = await admin.libraries.create_library(
        owner_id=account.id,
        name="E2E NAS",
        import_paths=[str(folder)],
        exclusion_patterns=["**/@eaDir/**"],
    )
    try:
        assert library.owner_id == account.id
        assert library.import_paths == [str(folder)]
        assert library.exclusion_patterns == ["**/@eaDir/**"]
        assert library.asset_count == 0
        assert library.refreshed_at is None
        # The owner is not an admin: libraries are an admin's business.
        with pytest.raises(immich.PermissionDeniedError) as refused:
            await client.libraries.get_library(library.id)
        assert refused.value.status_code == 403

        missing = str(tmp_path / "does-not-exist")
        check = await admin.libraries.validate(library.id, import_paths=[str(folder), missing])
        verdicts = {p.import_path: (p.is_valid, p.message) for p in check.import_paths or []}
        assert verdicts[str(folder)][0] is True
        assert verdicts[missing][0] is False
        assert verdicts[missing][1] == "Path does not exist (ENOENT)"

        await admin.libraries.scan_library(library.id)
        found = await eventually(
            lambda: _all_there(client, library.id, len(names)),
            what="the library's assets to appear for its owner",
            timeout=120,
        )
        assert set(found) == {"lib-1.jpg", "lib-2.jpg", "lib-3.jpg"}
        info = await client.assets.get_asset_info(found["lib-3.jpg"])
        assert info.library_id == library.id
        assert info.original_path == str(folder / "sub" / "lib-3.jpg")
        assert info.owner_id == account.id

        stats = await admin.libraries.get_library_statistics(library.id)
        assert (stats.photos, stats.videos, stats.total) == (3, 0, 3)
        # The usage adds up file sizes that the metadata job records, a moment later.
        size = sum((folder / name).stat().st_size for name in names)
        await eventually(
            lambda: _usage_is(admin, library.id, size), what="the library's usage", timeout=120
        )
        refreshed = await admin.libraries.get_library(library.id)
        assert refreshed.refreshed_at is not None
        assert library.id in {lib.id for lib in await admin.libraries.get_all_libraries()}

        # A new file and a rescan.
        jpeg(folder / "lib-4.jpg", seed=7004)
        await admin.libraries.scan_library(library.id)
        found = await eventually(
            lambda: _all_there(client, library.id, 4),
            what="the new file to be imported",
            timeout=120,
        )
        assert "lib-4.jpg" in found
    finally:
        await admin.libraries.delete_library(library.id)

    with pytest.raises(immich.BadRequestError):
        await admin.libraries.get_library(library.id)
    # Its assets go with it (a background job removes them).
    await eventually(
        lambda: _none_left(client, library.id),
        what="the deleted library's assets to go",
        timeout=120,
    )
    assert all(f.is_file() for f in folder.rglob("*.jpg"))  # the files are never touched


async def _all_there(client: AsyncClient, library_id: str, count: int) -> dict[str, str] | None:
    found = await _library_assets(client, library_id)
    return found if len(found) >= count else None


async def _none_left(client: AsyncClient, library_id: str) -> bool:
    return not await _library_assets(client, library_id)


async def _usage_is(admin: AsyncClient, library_id: str, size: int) -> bool:
    return (await admin.libraries.get_library_statistics(library_id)).usage == size
