"""Download layouts: which folders and names an asset gets."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from immich._transfer.layout import Layout, NameClaims, TargetFolder, numbered_names

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


def test_target_folder_is_made_inside_the_destination(tmp_path: Path) -> None:
    folder = TargetFolder.prepare(tmp_path, ("a", "b"))
    assert folder.path == tmp_path.resolve() / "a" / "b"
    assert folder.path.is_dir()
    assert TargetFolder.prepare(tmp_path, ()).path == tmp_path.resolve()


def test_target_folder_refuses_a_symlink_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "album").symlink_to(outside)
    with pytest.raises(ValueError, match="outside"):
        TargetFolder.prepare(tmp_path / "dest", ("album",))


def test_target_folder_knows_the_names_listed(tmp_path: Path) -> None:
    (tmp_path / "IMG.jpg").write_bytes(b"x")
    (tmp_path / ".immich-1.part").write_bytes(b"x")
    folder = TargetFolder.prepare(tmp_path, ())
    assert folder.may_hold("IMG.jpg")
    assert folder.may_hold("img.JPG")  # as a case-insensitive file system would
    assert not folder.may_hold("IMG (2).jpg")
    assert folder.had(".immich-1.part")
    assert not folder.had(".immich-2.part")


def test_claims_are_per_folder_and_case_insensitive(tmp_path: Path) -> None:
    claims = NameClaims()
    assert claims.claim(tmp_path, "IMG.jpg")
    assert not claims.claim(tmp_path, "img.JPG")
    assert claims.claim(tmp_path / "sub", "IMG.jpg")
    assert claims.is_claimed(tmp_path, "img.jpg")
    assert not claims.is_claimed(tmp_path, "other.jpg")


def test_numbered_names_are_bounded() -> None:
    assert list(numbered_names("a.jpg", limit=3)) == ["a.jpg", "a (2).jpg", "a (3).jpg"]
