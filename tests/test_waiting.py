"""What an asset's record says of the server's processing (``missing_steps``), on records
as Immich 3.0.3 sends them at each point of its metadata job."""

from __future__ import annotations

from typing import Any

import pytest

from immich import converter
from immich._transfer.waiting import missing_steps
from immich.models import AssetResponseDto
from tests.helpers import asset_json

UPLOADED = "2024-05-01T11:11:11.000Z"  # the date the upload offered (from the file's name)
FROM_EXIF = "2021-06-01T10:20:30.000Z"


def _asset(*, exif: dict[str, Any] | None, file_created_at: str = UPLOADED) -> AssetResponseDto:
    data = asset_json(fileCreatedAt=file_created_at, thumbhash="AAAA")
    if exif is not None:
        data["exifInfo"] = {"fileSizeInByte": 8600, "modifyDate": None, **exif}
    asset = converter.structure(data, AssetResponseDto)
    assert isinstance(asset, AssetResponseDto)
    return asset


def test_metadata_not_read_yet() -> None:
    before = _asset(exif={"dateTimeOriginal": None})
    assert missing_steps(before, ("metadata", "thumbnails")) == ("metadata",)


def test_metadata_half_written_is_not_done() -> None:
    """The job writes the EXIF row and the asset's dates at once, neither waiting for the
    other: with only the EXIF row in, the asset still has the upload's date."""
    half = _asset(exif={"dateTimeOriginal": FROM_EXIF, "modifyDate": UPLOADED})
    assert missing_steps(half, ("metadata",)) == ("metadata",)


@pytest.mark.parametrize(
    "exif",
    [
        {"dateTimeOriginal": FROM_EXIF, "modifyDate": UPLOADED},
        {"dateTimeOriginal": None, "modifyDate": UPLOADED},  # nothing to compare
    ],
)
def test_metadata_done_once_both_are_written(exif: dict[str, Any]) -> None:
    created = exif["dateTimeOriginal"] or UPLOADED
    done = _asset(exif=exif, file_created_at=created)
    assert missing_steps(done, ("metadata", "thumbnails")) == ()
