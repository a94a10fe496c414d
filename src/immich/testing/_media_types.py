"""The file types Immich accepts, by extension, with the MIME type it reports for each."""

from __future__ import annotations

from pathlib import PurePath

_RAW_IMAGES = {
    ".3fr": "image/3fr",
    ".ari": "image/ari",
    ".arw": "image/arw",
    ".cap": "image/cap",
    ".cin": "image/cin",
    ".cr2": "image/cr2",
    ".cr3": "image/cr3",
    ".crw": "image/crw",
    ".dcr": "image/dcr",
    ".dng": "image/dng",
    ".erf": "image/erf",
    ".fff": "image/fff",
    ".iiq": "image/iiq",
    ".k25": "image/k25",
    ".kdc": "image/kdc",
    ".mrw": "image/mrw",
    ".nef": "image/nef",
    ".nrw": "image/nrw",
    ".orf": "image/orf",
    ".ori": "image/ori",
    ".pef": "image/pef",
    ".psd": "image/psd",
    ".raf": "image/raf",
    ".raw": "image/raw",
    ".rw2": "image/rw2",
    ".rwl": "image/rwl",
    ".sr2": "image/sr2",
    ".srf": "image/srf",
    ".srw": "image/srw",
    ".x3f": "image/x3f",
}
IMAGE_TYPES = {
    **_RAW_IMAGES,
    ".avif": "image/avif",
    ".bmp": "image/bmp",
    ".gif": "image/gif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".hif": "image/hif",
    ".insp": "image/jpeg",
    ".jpe": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".jxl": "image/jxl",
    ".png": "image/png",
    ".svg": "image/svg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}
VIDEO_TYPES = {
    ".3gp": "video/3gpp",
    ".3gpp": "video/3gpp",
    ".avi": "video/avi",
    ".flv": "video/x-flv",
    ".insv": "video/mp4",
    ".m2ts": "video/mp2t",
    ".m4v": "video/x-m4v",
    ".mkv": "video/x-matroska",
    ".mov": "video/quicktime",
    ".mp4": "video/mp4",
    ".mpe": "video/mpeg",
    ".mpeg": "video/mpeg",
    ".mpg": "video/mpeg",
    ".mts": "video/mp2t",
    ".vob": "video/mpeg",
    ".webm": "video/webm",
    ".wmv": "video/x-ms-wmv",
}
SIDECAR_TYPES = {".xmp": "application/xml"}


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def asset_type_of(filename: str) -> str | None:
    """IMAGE or VIDEO for a supported file, None for anything Immich would refuse."""
    extension = extension_of(filename)
    if extension in IMAGE_TYPES:
        return "IMAGE"
    if extension in VIDEO_TYPES:
        return "VIDEO"
    return None


def mime_type_of(filename: str) -> str:
    extension = extension_of(filename)
    return IMAGE_TYPES.get(extension) or VIDEO_TYPES.get(extension) or "application/octet-stream"
