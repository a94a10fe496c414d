"""Every way FakeImmich still answers differently from the real Immich 3.0.3 server, with
the reason it is accepted. Keys are ``"<step> <location>"`` patterns (fnmatch: ``*`` is any
text); ``test_fidelity.py`` fails on a difference not listed here and on an entry that no
longer matches any difference, so the table stays true.
"""

from __future__ import annotations

_NO_IMAGE_DECODING = (
    "the fake decodes no images: no EXIF camera, no dimensions, a thumbhash of its own "
    "(the real server reads them in its metadata and thumbnail jobs)"
)
_NOT_A_VIDEO = (
    "the script's video is not playable: the real server's ffprobe fails, its metadata "
    "job with it, and the video keeps the upload's dates and no EXIF; the fake reads no "
    "video and dates it as one without a date inside (the earlier of its two file times), "
    "which also moves it among the results of a search by date"
)
_SPEC_OVER_SERVER = (
    "the real server breaks the spec here, the fake keeps to it (every body it sends "
    "validates against the spec)"
)
_STREAM_TYPE_ON_ERROR = (
    "the real server sets the stream's content type (JSON lines) before it validates the "
    "request, so its 400 for an unknown type is labelled JSON lines; the fake labels it "
    "JSON, which it is (the SDK reads the error either way)"
)

KNOWN_DIFFERENCES: dict[str, str] = {
    # Images and media
    "* $.thumbhash": _NO_IMAGE_DECODING,
    "* $.width": _NO_IMAGE_DECODING,
    "* $.height": _NO_IMAGE_DECODING,
    "* $.exifInfo.exifImageWidth": _NO_IMAGE_DECODING,
    "* $.exifInfo.exifImageHeight": _NO_IMAGE_DECODING,
    "* $.exifInfo.make": _NO_IMAGE_DECODING,
    "* $.exifInfo.model": _NO_IMAGE_DECODING,
    "* $.assets.items[[]*[]].thumbhash": _NO_IMAGE_DECODING,
    "* $.assets.items[[]*[]].width": _NO_IMAGE_DECODING,
    "* $.assets.items[[]*[]].height": _NO_IMAGE_DECODING,
    "* $.assets.items[[]*[]].exifInfo.*": _NO_IMAGE_DECODING,
    "* $[[]*[]].width": _NO_IMAGE_DECODING,
    "* $[[]*[]].height": _NO_IMAGE_DECODING,
    "* $.assets[[]*[]].width": _NO_IMAGE_DECODING,
    "* $.assets[[]*[]].height": _NO_IMAGE_DECODING,
    "* $.assets[[]*[]].exifInfo.exifImage*": _NO_IMAGE_DECODING,
    "sync * $.AssetV2.data[[]*[]].thumbhash": _NO_IMAGE_DECODING,
    "sync * $.AssetV2.data[[]*[]].width": _NO_IMAGE_DECODING,
    "sync * $.AssetV2.data[[]*[]].height": _NO_IMAGE_DECODING,
    "sync * $.AssetExifV1.data[[]*[]].exifImage*": _NO_IMAGE_DECODING,
    "GET asset video $.exifInfo.dateTimeOriginal": _NOT_A_VIDEO,
    "GET asset video $.exifInfo.modifyDate": _NOT_A_VIDEO,
    "search page 2 asc $.assets.items[[]1[]].*": _NOT_A_VIDEO,
    "GET /server/media-types (anonymous) $.image": (
        "the fake accepts the common image types only (no camera RAW variants such as .cr3/.jxl)"
    ),
    "GET /server/media-types (anonymous) $.video": ("the fake accepts the common video types only"),
    # Where the real server leaves the spec
    "shared link me (assets) $.assets[[]*[]].*": (
        "a link made with showMetadata false: the real server strips each asset to ten "
        "fields, which AssetResponseDto does not allow; " + _SPEC_OVER_SERVER
    ),
    "list shared links $[[]0[]].album.albumUsers": (
        "the real server sends a link's album with no users, AlbumResponseDto needs one; "
        + _SPEC_OVER_SERVER
    ),
    "shared link me (album) $.album.albumUsers": (
        "the real server sends a link's album with no users, AlbumResponseDto needs one; "
        + _SPEC_OVER_SERVER
    ),
    "download unsatisfiable range status": (
        "the real server turns every failure of a file answer into a bare 404, a Range "
        "past the end included; the fake keeps 416, which the SDK's resume relies on "
        "(reported: against the real server that resume path gets a 404)"
    ),
    "sync unknown type header:content-type": _STREAM_TYPE_ON_ERROR,
    "sync unknown type $": _STREAM_TYPE_ON_ERROR,
    # Not implemented
    "GET /search/explore status": "explore (places and recent assets) is not implemented (501)",
    "GET /users/me/calendar-heatmap status": "the calendar heatmap is not implemented (501)",
    # Server-specific state
    "GET /system-metadata/reverse-geocoding-state $.*": (
        "the fake imports no geodata, so it reports no import"
    ),
}
