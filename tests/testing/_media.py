"""Real image files for tests, made with Pillow (a test-only dependency)."""

from __future__ import annotations

import io

from PIL import Image


def make_jpeg(index: int, size: tuple[int, int] = (24, 16)) -> bytes:
    color = ((index * 37) % 256, (index * 91) % 256, (index * 53 + 17) % 256)
    image = Image.new("RGB", size, color)
    # A pixel that differs per index keeps files distinct even when colours repeat.
    image.putpixel((index % size[0], (index // size[0]) % size[1]), (255 - color[0], 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def make_jpegs(count: int) -> list[bytes]:
    return [make_jpeg(index) for index in range(count)]


def make_exif_jpeg(index: int, taken: str, offset: str | None = None) -> bytes:
    """A JPEG whose EXIF says when it was taken: ``taken`` as ``"2021:06:01 10:20:30"``,
    ``offset`` as ``"+02:00"``."""
    image = Image.open(io.BytesIO(make_jpeg(index)))
    exif = Image.Exif()
    exif[0x010F] = "Test Camera"  # Make
    inner = exif.get_ifd(0x8769)
    inner[0x9003] = taken  # DateTimeOriginal
    if offset is not None:
        inner[0x9011] = offset  # OffsetTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, exif=exif)
    return buffer.getvalue()
