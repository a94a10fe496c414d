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
