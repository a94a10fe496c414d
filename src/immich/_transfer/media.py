"""Which local files are assets, their ``.xmp`` sidecars, and live photos (still + video).

Immich decides by extension: ``GET /server/media-types`` lists the image, video and
sidecar extensions it accepts.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import attrs

from immich._transfer.files import LocalFile

# A live (motion) photo is a still and a short video that share a name in one folder.
LIVE_STILLS = frozenset({".heic", ".heif", ".jpg", ".jpeg"})
LIVE_VIDEOS = frozenset({".mov", ".mp4"})


def _extensions(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.lower() if v.startswith(".") else f".{v.lower()}" for v in values)


@attrs.frozen
class MediaTypes:
    """The extensions (lower case, with the dot) the server accepts."""

    image: frozenset[str] = attrs.field(converter=_extensions)
    video: frozenset[str] = attrs.field(converter=_extensions)
    sidecar: frozenset[str] = attrs.field(converter=_extensions)

    def is_asset(self, path: Path) -> bool:
        suffix = path.suffix.lower()
        return suffix in self.image or suffix in self.video

    def is_sidecar(self, path: Path) -> bool:
        return path.suffix.lower() in self.sidecar

    def sidecar_names(self, path: Path) -> list[str]:
        """Where a sidecar of ``path`` may be, best first: ``x.jpg.xmp``, then ``x.xmp``."""
        return [f"{base}{ext}" for base in (path.name, path.stem) for ext in sorted(self.sidecar)]

    def explicit_sidecars(self, paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
        """The sidecars next to files named directly (a folder walk finds its own)."""
        found = []
        for given in map(Path, paths):
            if given.is_file() and self.is_asset(given):
                for name in self.sidecar_names(given):
                    for candidate in (given.with_name(name), given.with_name(_upper_ext(name))):
                        if candidate.is_file():
                            found.append(candidate)
        return found


def _upper_ext(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"{stem}{dot}{ext.upper()}"


@attrs.frozen
class UploadItem:
    """One asset to upload, with the sidecar that goes along with it."""

    file: LocalFile
    sidecar: Path | None = None

    @property
    def path(self) -> Path:
        return self.file.path


@attrs.frozen
class UploadGroup:
    """Assets uploaded one after the other: a single asset, or a live photo's video and
    then its still (which names the video's asset id)."""

    items: tuple[UploadItem, ...]

    @property
    def is_live_photo(self) -> bool:
        return len(self.items) == 2


@attrs.frozen
class Selection:
    groups: tuple[UploadGroup, ...]
    unsupported: tuple[Path, ...]

    @property
    def items(self) -> list[UploadItem]:
        return [item for group in self.groups for item in group.items]


def select(files: Iterable[LocalFile], media: MediaTypes) -> Selection:
    """Sort walked files into upload groups (sidecars attached, live photos paired) and
    the files the server would refuse. Sidecars without an asset are left out."""
    files = list(files)
    # Folders by their path as text: a Path's parent and hash cost more than the rest
    # of a file's selection (the second run over a folder is mostly this and the walk).
    by_folder: dict[str, dict[str, Path]] = defaultdict(dict)
    for file in files:
        if media.is_sidecar(file.path):
            by_folder[os.path.dirname(file.path)].setdefault(file.path.name.casefold(), file.path)
    assets: list[UploadItem] = []
    unsupported: list[Path] = []
    for file in files:
        if media.is_asset(file.path):
            siblings = by_folder.get(os.path.dirname(file.path), {}) if by_folder else {}
            sidecar = next(
                (
                    siblings[name.casefold()]
                    for name in media.sidecar_names(file.path)
                    if name.casefold() in siblings
                ),
                None,
            )
            assets.append(UploadItem(file, sidecar))
        elif not media.is_sidecar(file.path):
            unsupported.append(file.path)
    return Selection(_pair_live_photos(assets), tuple(unsupported))


def _pair_live_photos(items: list[UploadItem]) -> tuple[UploadGroup, ...]:
    keys = [(os.path.dirname(item.path), item.path.stem.casefold()) for item in items]
    by_stem: dict[tuple[str, str], list[UploadItem]] = defaultdict(list)
    for key, item in zip(keys, items, strict=True):
        by_stem[key].append(item)
    groups: list[UploadGroup] = []
    paired: set[int] = set()  # the ids of the items already in a live photo's group
    for key, item in zip(keys, items, strict=True):
        if id(item) in paired:
            continue
        siblings = by_stem[key]
        if len(siblings) >= 2:
            stills = [s for s in siblings if s.path.suffix.lower() in LIVE_STILLS]
            videos = [s for s in siblings if s.path.suffix.lower() in LIVE_VIDEOS]
            # Only an unambiguous pair is a live photo: one still, one video (a RAW of
            # the same name beside them is a file of its own).
            if len(stills) == 1 and len(videos) == 1 and item in (stills[0], videos[0]):
                groups.append(UploadGroup((videos[0], stills[0])))
                paired.update((id(videos[0]), id(stills[0])))
                continue
        groups.append(UploadGroup((item,)))
    return tuple(groups)
