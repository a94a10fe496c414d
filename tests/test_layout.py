"""Download layouts: which folders and names an asset gets."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from immich._layout import Layout, NameClaims, numbered_names, target_folder

TAKEN = datetime(2023, 7, 4, 22, 15, tzinfo=timezone.utc)


def test_default_layout_is_the_original_name() -> None:
    layout = Layout("{original}")
    assert not layout.uses_album
    assert layout.relative(original="IMG_1.jpg", taken=TAKEN, album=None) == ("IMG_1.jpg",)


def test_folder_layouts_get_the_original_name_appended() -> None:
    layout = Layout("{album}/{yyyy}/{mm}")
    assert layout.uses_album
    assert layout.template == "{album}/{yyyy}/{mm}/{original}"
    parts = layout.relative(original="a.jpg", taken=TAKEN, album="Trip")
    assert parts == ("Trip", "2023", "07", "a.jpg")
    # No album: that folder level is dropped rather than named "".
    assert layout.relative(original="a.jpg", taken=TAKEN, album=None) == ("2023", "07", "a.jpg")


def test_every_part_is_made_safe() -> None:
    layout = Layout("{album}/{yyyy}-{mm}-{dd} {original}")
    parts = layout.relative(original="../../x.jpg", taken=TAKEN, album="../../etc")
    assert parts == ("etc", "2023-07-04 x.jpg")
    assert Layout("{album}").relative(original="x", taken=TAKEN, album="..") == ("_", "x")


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown layout field"):
        Layout("{year}/{original}")
    with pytest.raises(ValueError, match="unknown layout field"):
        Layout("{yyyy!r}")
    with pytest.raises(ValueError, match="empty"):
        Layout("/")


def test_target_folder_stays_inside(tmp_path: Path) -> None:
    assert target_folder(tmp_path, ("a", "b", "x.jpg")) == tmp_path.resolve() / "a" / "b"
    assert target_folder(tmp_path, ("x.jpg",)) == tmp_path.resolve()


def test_claims_are_per_folder_and_case_insensitive(tmp_path: Path) -> None:
    claims = NameClaims()
    assert claims.claim(tmp_path, "IMG.jpg")
    assert not claims.claim(tmp_path, "img.JPG")
    assert claims.claim(tmp_path / "sub", "IMG.jpg")
    assert claims.is_claimed(tmp_path, "img.jpg")
    assert not claims.is_claimed(tmp_path, "other.jpg")


def test_numbered_names_are_bounded() -> None:
    assert list(numbered_names("a.jpg", limit=3)) == ["a.jpg", "a (2).jpg", "a (3).jpg"]
