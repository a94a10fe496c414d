"""A tiny valid JPEG and WebP served as every thumbnail, so the fake needs no image library."""

from __future__ import annotations

import base64

# A 16x16 grey baseline JPEG (286 bytes), generated once with Pillow.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAQABADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAA"
    "AAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAwT/xAAUEQEAAAAAAAAAAAAAAAAA"
    "AAAA/9oADAMBAAIRAxEAPwCQBk7/2Q=="
)


# A 1x1 lossless WebP (34 bytes): Immich makes its small thumbnails in WebP.
TINY_WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def tiny_jpeg(seed: int = 0) -> bytes:
    """A valid JPEG whose bytes (so SHA-1) differ per ``seed``: a comment segment carries it.

    Handy for seeding a fake or a demo with photos that are not duplicates of each other.
    """
    comment = f"immich.testing {seed}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return TINY_JPEG[:2] + segment + TINY_JPEG[2:]
