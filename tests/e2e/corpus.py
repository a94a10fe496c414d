"""A realistic photo folder, made on the spot: what a user's camera roll looks like.

Every file is made here (Pillow for images, ffmpeg for videos), so the suite needs no
binary fixtures. ``Corpus`` records what the server should make of each file.
"""

from __future__ import annotations

import datetime
import os
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011
_MAKE = 0x010F
_MODEL = 0x0110


@dataclass(frozen=True)
class Photo:
    """What a test expects the server to read from a file."""

    path: Path
    taken: datetime.datetime | None = None
    gps: tuple[float, float] | None = None


@dataclass
class Corpus:
    root: Path
    #: Files the server should take, by path relative to ``root``.
    photos: dict[str, Photo] = field(default_factory=dict)
    videos: list[str] = field(default_factory=list)
    #: (still, video), relative paths.
    live_photo: tuple[str, str] = ("", "")
    #: When the live photo was taken (the still's EXIF date; the server gives the video
    #: the file's own time).
    live_taken: datetime.datetime | None = None
    #: still's relative path -> the description its XMP sidecar gives.
    sidecar_descriptions: dict[str, str] = field(default_factory=dict)
    #: Pairs of byte-identical files: the second is a duplicate of the first.
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    #: Every file's modification time (set by ``make_corpus``: as copied from a camera).
    mtimes: dict[str, datetime.datetime] = field(default_factory=dict)
    #: Video -> its length in milliseconds.
    durations: dict[str, int] = field(default_factory=dict)
    #: Video -> the creation time its container records.
    video_dates: dict[str, datetime.datetime] = field(default_factory=dict)

    def taken(self, relative: str) -> datetime.datetime:
        """When the server should say the file was taken: its EXIF date, the video's
        creation time, else the file's time (which the upload sends)."""
        photo = self.photos.get(relative)
        if photo is not None and photo.taken is not None:
            return photo.taken
        if relative == self.live_photo[0] and self.live_taken is not None:
            return self.live_taken
        return self.video_dates.get(relative) or self.mtimes[relative]

    @property
    def assets(self) -> int:
        """How many assets a first upload makes (a duplicate adds none; a live photo's
        video is an asset of its own, hidden by the server)."""
        return len(self.photos) + len(self.videos) + 2

    @property
    def uploadable(self) -> list[str]:
        """Every file an upload sends or reports as a duplicate."""
        return [
            *self.photos,
            *self.videos,
            *self.live_photo,
            *(copy for _, copy in self.duplicates),
        ]


def jpeg(
    path: Path,
    *,
    seed: int,
    taken: datetime.datetime | None = None,
    gps: tuple[float, float] | None = None,
    size: tuple[int, int] = (96, 64),
) -> None:
    """A small JPEG of random blocks (distinct for each seed), with EXIF when asked."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    block = 8
    for x in range(0, size[0], block):
        for y in range(0, size[1], block):
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            image.paste(colour, (x, y, x + block, y + block))
    exif = Image.Exif()
    exif[_MAKE] = "E2E Camera"
    exif[_MODEL] = "Model 1"
    if taken is not None:
        exif_ifd = exif.get_ifd(_EXIF_IFD)
        exif_ifd[_DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
        offset = taken.strftime("%z")
        if offset:
            exif_ifd[_OFFSET_TIME_ORIGINAL] = f"{offset[:3]}:{offset[3:]}"
    if gps is not None:
        latitude, longitude = gps
        gps_ifd = exif.get_ifd(_GPS_IFD)
        gps_ifd[1] = "N" if latitude >= 0 else "S"
        gps_ifd[2] = _degrees(abs(latitude))
        gps_ifd[3] = "E" if longitude >= 0 else "W"
        gps_ifd[4] = _degrees(abs(longitude))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, exif=exif)


def _degrees(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def png(path: Path, *, seed: int) -> None:
    rng = random.Random(seed)
    image = Image.new("RGBA", (40, 30), (rng.randrange(256), 80, 160, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")


def video(path: Path, *, seconds: float = 1.0, seed: int = 0, taken: str | None = None) -> None:
    """A short test-pattern video made with ffmpeg (its container follows the suffix)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("the e2e corpus needs ffmpeg (the server's build installs it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        ffmpeg,
        "-loglevel",
        "error",
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc=duration={seconds}:size=160x120:rate=10,hue=h={seed * 37 % 360}",
        "-pix_fmt",
        "yuv420p",
    ]
    if taken is not None:
        command += ["-metadata", f"creation_time={taken}"]
    subprocess.run([*command, str(path)], check=True)


def xmp_sidecar(path: Path, *, description: str, rating: int = 4) -> None:
    path.write_text(
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        f'    xmp:Rating="{rating}">\n'
        "   <dc:description><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{description}</rdf:li>'
        "</rdf:Alt></dc:description>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>\n',
        encoding="utf-8",
    )


BERLIN = (52.52437, 13.41053)
PARIS = (48.85341, 2.3488)
UTC = datetime.timezone.utc


def make_corpus(root: Path, *, seed: int = 0) -> Corpus:
    """A camera roll in folders (each folder an album when uploaded with
    ``album_from_folder``): JPEGs with EXIF dates and GPS, a PNG, videos, a live
    photo, an XMP sidecar, unicode and space names, a duplicate, an unsupported file
    and a hidden folder. ``seed`` makes a corpus whose files differ from another's."""
    corpus = Corpus(root)

    def add_jpeg(relative: str, n: int, **exif: object) -> None:
        jpeg(root / relative, seed=seed * 1000 + n, **exif)  # type: ignore[arg-type]
        corpus.photos[relative] = Photo(
            root / relative,
            taken=exif.get("taken"),  # type: ignore[arg-type]
            gps=exif.get("gps"),  # type: ignore[arg-type]
        )

    berlin = datetime.datetime(
        2021, 6, 1, 12, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    add_jpeg("Berlin 2021/IMG_0001.jpg", 1, taken=berlin, gps=BERLIN)
    add_jpeg(
        "Berlin 2021/IMG_0002.jpg", 2, taken=berlin + datetime.timedelta(minutes=5), gps=BERLIN
    )
    add_jpeg("Berlin 2021/Straße am Fluss.jpg", 3, taken=berlin + datetime.timedelta(hours=1))
    add_jpeg(
        "Paris/été 2019 — café.jpg",
        4,
        taken=datetime.datetime(2019, 7, 14, 20, 0, tzinfo=UTC),
        gps=PARIS,
    )
    add_jpeg("Paris/日本語の名前.jpg", 5, taken=datetime.datetime(2019, 7, 15, 9, 0, tzinfo=UTC))
    add_jpeg("no date.jpg", 6)

    png(root / "Screenshots/screen shot 1.png", seed=seed * 1000 + 7)
    corpus.photos["Screenshots/screen shot 1.png"] = Photo(root / "Screenshots/screen shot 1.png")

    video(root / "Videos/clip.mp4", seed=seed * 3 + 1, taken="2020-02-02T10:00:00Z")
    video(root / "Videos/clip two.mov", seed=seed * 3 + 2)
    corpus.videos += ["Videos/clip.mp4", "Videos/clip two.mov"]
    corpus.video_dates["Videos/clip.mp4"] = datetime.datetime(2020, 2, 2, 10, 0, tzinfo=UTC)

    # A live photo: a still and a video of one name in one folder.
    jpeg(root / "Live/IMG_0100.JPG", seed=seed * 1000 + 8, taken=berlin)
    video(root / "Live/IMG_0100.MOV", seconds=1.5, seed=seed * 3 + 3)
    corpus.live_photo = ("Live/IMG_0100.JPG", "Live/IMG_0100.MOV")
    corpus.live_taken = berlin
    corpus.durations.update(
        {"Videos/clip.mp4": 1000, "Videos/clip two.mov": 1000, "Live/IMG_0100.MOV": 1500}
    )

    # A sidecar that gives the still a description and a rating.
    add_jpeg("Berlin 2021/IMG_0003.jpg", 9, taken=berlin + datetime.timedelta(hours=2))
    description = f"Described by the sidecar {seed}"
    xmp_sidecar(root / "Berlin 2021/IMG_0003.jpg.xmp", description=description)
    corpus.sidecar_descriptions["Berlin 2021/IMG_0003.jpg"] = description

    # A byte-identical copy in another folder.
    (root / "Copies").mkdir()
    shutil.copyfile(root / "Berlin 2021/IMG_0001.jpg", root / "Copies/IMG_0001 copy.jpg")
    corpus.duplicates.append(("Berlin 2021/IMG_0001.jpg", "Copies/IMG_0001 copy.jpg"))

    (root / "notes.txt").write_text("not a photo\n", encoding="utf-8")
    corpus.unsupported.append("notes.txt")

    jpeg(root / ".thumbnails/hidden.jpg", seed=seed * 1000 + 10)
    corpus.hidden.append(".thumbnails/hidden.jpg")

    # Files copied from a camera keep their times: an hour apart, in name order, so that
    # no two undated files share a time (and the server's file dates are known).
    copied = datetime.datetime(2023, 3, 4, 8, 0, tzinfo=UTC)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    for number, relative in enumerate(files):
        when = copied + datetime.timedelta(hours=number)
        os.utime(root / relative, (when.timestamp(), when.timestamp()))
        corpus.mtimes[relative] = when
    return corpus
