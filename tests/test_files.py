"""Walking local files, hidden entries, file times, and sorting them into upload groups."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from immich._transfer.files import LocalFile, WalkOptions, upload_timeout, walk
from immich._transfer.ignore import IgnoreRules
from immich._transfer.media import MediaTypes, select

MEDIA = MediaTypes(
    image=[".jpg", ".jpeg", ".heic", ".png"], video=[".mov", ".mp4"], sidecar=[".xmp"]
)


def make(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())


def names(root: Path, options: WalkOptions | None = None, *paths: Path) -> list[str]:
    found = walk(paths or [root], options or WalkOptions())
    return [file.path.relative_to(root).as_posix() for file in found]


def test_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    make(tmp_path, "b.jpg", "a.jpg", "sub/c.jpg", ".hidden.jpg", ".cache/d.jpg", "sub/.e.jpg")
    assert names(tmp_path) == ["a.jpg", "b.jpg", "sub/c.jpg"]


def test_walk_hidden_and_non_recursive_on_request(tmp_path: Path) -> None:
    make(tmp_path, "a.jpg", ".hidden.jpg", ".cache/d.jpg", "sub/c.jpg")
    assert names(tmp_path, WalkOptions(include_hidden=True)) == [
        ".hidden.jpg",
        "a.jpg",
        ".cache/d.jpg",
        "sub/c.jpg",
    ]
    assert names(tmp_path, WalkOptions(recursive=False)) == ["a.jpg"]


def test_walk_applies_ignore_patterns_relative_to_the_walked_folder(tmp_path: Path) -> None:
    make(
        tmp_path,
        "keep.jpg",
        "x.tmp",
        "raw/a.jpg",
        "deep/raw/b.jpg",
        "@eaDir/thumb.jpg",
        "deep/@eaDir/thumb.jpg",
        "cache",  # a file called cache: "cache/" only matches folders
    )
    options = WalkOptions(ignore=IgnoreRules(["*.tmp", "/raw", "@eaDir/", "cache/"]))
    assert names(tmp_path, options) == ["cache", "keep.jpg", "deep/raw/b.jpg"]


def test_walk_takes_named_files_and_each_file_once(tmp_path: Path) -> None:
    make(tmp_path, "a.jpg", ".b.jpg", "c.tmp")
    options = WalkOptions(ignore=IgnoreRules(["*.tmp"]))
    found = names(
        tmp_path, options, tmp_path / "a.jpg", tmp_path, tmp_path / ".b.jpg", tmp_path / "c.tmp"
    )
    # A hidden file named explicitly is taken; an ignored one is not; nothing twice.
    assert found == ["a.jpg", ".b.jpg"]


def test_walk_takes_each_file_once_however_it_is_reached(tmp_path: Path) -> None:
    make(tmp_path, "photos/sub/a.jpg", "photos/b.jpg")
    (tmp_path / "photos" / "link-to-b.jpg").symlink_to(tmp_path / "photos" / "b.jpg")
    (tmp_path / "alias").symlink_to(tmp_path / "photos", target_is_directory=True)
    walked = list(
        walk(
            [tmp_path / "photos", tmp_path / "photos" / "sub", tmp_path / "alias"],
            WalkOptions(),
        )
    )
    # A folder inside one walked already, the same folder by another name, a link to a
    # file: nothing twice.
    assert sorted(f.path.name for f in walked) == ["a.jpg", "b.jpg"]


def test_walk_does_not_follow_folder_symlinks(tmp_path: Path) -> None:
    make(tmp_path, "real/a.jpg")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert names(tmp_path) == ["real/a.jpg"]


def test_walk_of_a_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(walk([tmp_path / "nope"], WalkOptions()))


def test_file_times_are_timezone_aware_and_creation_is_the_earliest_known(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"x")
    then = datetime(2020, 5, 17, 12, 30, tzinfo=timezone.utc).timestamp()
    os.utime(path, (then, then))
    file = LocalFile.from_stat(path, path.stat())
    assert file.modified_at == datetime(2020, 5, 17, 12, 30, tzinfo=timezone.utc)
    assert file.created_at.tzinfo is not None
    # Without st_birthtime, ctime (now) is later than the mtime we set: mtime wins.
    if not hasattr(path.stat(), "st_birthtime"):
        assert file.created_at == file.modified_at
    assert file.size == 1


def test_upload_timeout_scales_with_size_unless_given() -> None:
    small = upload_timeout(0, None)
    large = upload_timeout(500_000_000, None)
    assert isinstance(small, httpx.Timeout)
    assert isinstance(large, httpx.Timeout)
    assert small.read == 60
    assert large.read == 560
    assert large.connect == 10
    assert upload_timeout(500_000_000, 5.0) == 5.0


def local(root: Path, name: str) -> LocalFile:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(name.encode())
    return LocalFile.from_stat(path, path.stat())


def test_select_attaches_sidecars_and_reports_unsupported(tmp_path: Path) -> None:
    files = [
        local(tmp_path, n)
        for n in ("a.jpg", "a.jpg.xmp", "b.png", "b.xmp", "c.jpg", "notes.txt", "orphan.xmp")
    ]
    selection = select(files, MEDIA)
    sidecars = {item.path.name: item.sidecar and item.sidecar.name for item in selection.items}
    assert sidecars == {"a.jpg": "a.jpg.xmp", "b.png": "b.xmp", "c.jpg": None}
    assert [p.name for p in selection.unsupported] == ["notes.txt"]


def test_select_prefers_the_more_specific_sidecar(tmp_path: Path) -> None:
    files = [local(tmp_path, n) for n in ("a.jpg", "a.xmp", "a.jpg.xmp")]
    (item,) = select(files, MEDIA).items
    assert item.sidecar is not None
    assert item.sidecar.name == "a.jpg.xmp"


def test_select_pairs_live_photos_video_first(tmp_path: Path) -> None:
    files = [
        local(tmp_path, n)
        for n in (
            "IMG_1.HEIC",
            "IMG_1.MOV",
            "IMG_2.jpg",
            "other/IMG_1.mov",
            "IMG_3.JPG",
            "IMG_3.mp4",
        )
    ]
    groups = select(files, MEDIA).groups
    shapes = [[item.path.relative_to(tmp_path).as_posix() for item in g.items] for g in groups]
    assert shapes == [
        ["IMG_1.MOV", "IMG_1.HEIC"],
        ["IMG_2.jpg"],
        ["other/IMG_1.mov"],  # another folder: not part of the pair
        ["IMG_3.mp4", "IMG_3.JPG"],
    ]
    assert [g.is_live_photo for g in groups] == [True, False, False, True]


def test_select_leaves_ambiguous_stems_unpaired(tmp_path: Path) -> None:
    files = [local(tmp_path, n) for n in ("x.heic", "x.jpg", "x.mov")]
    groups = select(files, MEDIA).groups
    assert all(not g.is_live_photo for g in groups)
    assert len(groups) == 3


def test_media_types_normalise_extensions(tmp_path: Path) -> None:
    media = MediaTypes(image=["JPG", ".Png"], video=[], sidecar=["xmp"])
    assert media.is_asset(Path("a.jpg"))
    assert media.is_asset(Path("a.PNG"))
    assert media.is_sidecar(Path("a.XMP"))
    assert not media.is_asset(Path("a.gif"))


def test_explicit_sidecars_are_found_next_to_named_files(tmp_path: Path) -> None:
    make(tmp_path, "a.jpg", "a.xmp", "b.jpg", "b.jpg.xmp", "c.jpg")
    found = MEDIA.explicit_sidecars([tmp_path / "a.jpg", tmp_path / "b.jpg", tmp_path / "c.jpg"])
    assert sorted(p.name for p in found) == ["a.xmp", "b.jpg.xmp"]
