"""The scripted session, run step for step against FakeImmich and against the real server.

A step never depends on the previous one having succeeded: ids missing from a failed answer
become "missing", so that one difference shows as one step, not as the end of the run.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict
from typing import Any

from PIL import Image

from tests.spec_location import load_spec

from ._compare import UUID, Expect, Labels, describe
from ._session import Session, body_of, list_of

NOT_AN_ID = "5c1e7a8f-3b2d-4e6f-9a0b-1c2d3e4f5a6b"  # a well-formed v4 UUID nobody has
TAKEN_AT = "2024-05-01T12:00:00.000Z"

# Server-wide lists (every user, every job, the admin's settings) that other users of the
# real server fill: compared by the shape of their items, not by length.
LOOSE = Expect(loose=True)
SERVER_WIDE = Expect(loose=True, shape_only=True)
# GETs that take no parameters but are not "one answer for everybody".
SKIPPED_GETS = {
    # Redirects the browser to the app: the real server answers with a 302 to a URL of its
    # OAuth settings, which the fidelity run does not configure.
    "/oauth/mobile-redirect",
}


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "FidelityCam"  # Make
    exif[0x0110] = "Model 1"  # Model
    exif.get_ifd(0x8769)[0x9003] = "2023:07:14 10:20:30"  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=80)
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def still(shade: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (shade, shade, 255 - shade)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


# Not a playable video: both servers take a video by its extension, and the real server's
# failing ffprobe only leaves its metadata empty.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4


def upload(
    session: Session, step: str, data: bytes, filename: str, **fields: str
) -> dict[str, Any]:
    form = {"fileCreatedAt": TAKEN_AT, "fileModifiedAt": TAKEN_AT, **fields}
    response = session.as_user(
        step,
        "POST",
        "/assets",
        files={"assetData": (filename, data, "application/octet-stream")},
        data=form,
    )
    return body_of(response)


def run_script(session: Session) -> None:
    session.create_actor("a", session.user)
    session.create_actor("b", session.other)
    server_info(session)
    ids = uploads(session)
    session.settle(session)
    assets(session, ids)
    search(session, ids)
    album_id = albums(session, ids)
    tags(session, ids)
    shared_links(session, ids, album_id)
    downloads(session, ids)
    trash(session, ids)
    errors(session, ids)
    sync(session, ids)
    parameterless_gets(session)
    session.call("delete album", "DELETE", f"/albums/{album_id}", key=session.user.api_key)
    session.call("logout a", "POST", "/auth/logout", token=session.user.token)


def server_info(session: Session) -> None:
    for path in (
        "/server/ping",
        "/server/version",
        "/server/features",
        "/server/media-types",
        "/server/config",
    ):
        session.call(f"GET {path} (anonymous)", "GET", path)
    session.as_user("GET /users/me", "GET", "/users/me")
    session.as_user("GET /api-keys/me", "GET", "/api-keys/me")
    session.call("validate token", "POST", "/auth/validateToken", token=session.user.token)


def uploads(session: Session) -> dict[str, str]:
    ids: dict[str, str] = {}
    files = {
        # The date the real server reads from the EXIF, so that both order it alike.
        "jpeg": (
            jpeg_with_exif(),
            "exif.jpg",
            {"isFavorite": "true", "fileCreatedAt": "2023-07-14T10:20:30.000Z"},
        ),
        "png": (png(), "plain.png", {"fileCreatedAt": "2022-01-02T03:04:05.000Z"}),
        "older": (still(30), "older.jpg", {"fileCreatedAt": "2020-06-01T00:00:00.000Z"}),
        "video": (VIDEO, "motion.mov", {"fileCreatedAt": "2024-05-02T08:00:00.000Z"}),
    }
    for name, (data, filename, fields) in files.items():
        ids[name] = upload(session, f"upload {name}", data, filename, **fields).get("id", "missing")
        session.labels.add(ids[name], name)
    upload(session, "upload duplicate", jpeg_with_exif(), "again.jpg")
    ids["live"] = upload(
        session, "upload live photo still", still(90), "live.jpg", livePhotoVideoId=ids["video"]
    ).get("id", "missing")
    session.labels.add(ids["live"], "live")
    upload(session, "upload unsupported type", b"text", "notes.txt")
    session.as_user(
        "bulk upload check",
        "POST",
        "/assets/bulk-upload-check",
        json={
            "assets": [
                {"id": "known", "checksum": hashlib.sha1(jpeg_with_exif()).hexdigest()},
                {"id": "new", "checksum": hashlib.sha1(b"never uploaded").hexdigest()},
            ]
        },
    )
    return ids


def assets(session: Session, ids: dict[str, str]) -> None:
    for name in ("jpeg", "png", "video", "live"):
        session.as_user(f"GET asset {name}", "GET", f"/assets/{ids[name]}")
    session.as_user(
        "update asset",
        "PUT",
        f"/assets/{ids['png']}",
        json={"isFavorite": True, "description": "green square"},
    )
    session.as_user(
        "bulk update assets", "PUT", "/assets", json={"ids": [ids["older"]], "isFavorite": True}
    )
    session.as_user("asset statistics", "GET", "/assets/statistics")


def search(session: Session, ids: dict[str, str]) -> None:
    session.as_user("search all", "POST", "/search/metadata", json={})
    session.as_user(
        "search page 1 asc", "POST", "/search/metadata", json={"size": 2, "order": "asc"}
    )
    session.as_user(
        "search page 2 asc",
        "POST",
        "/search/metadata",
        json={"size": 2, "page": 2, "order": "asc"},
    )
    session.as_user(
        "search favorites with EXIF",
        "POST",
        "/search/metadata",
        json={"isFavorite": True, "withExif": True},
    )
    session.as_user(
        "search by file name", "POST", "/search/metadata", json={"originalFileName": "plain"}
    )
    session.as_user("search hidden", "POST", "/search/metadata", json={"visibility": "hidden"})
    session.as_user("search statistics", "POST", "/search/statistics", json={})
    session.as_user(
        "search statistics favorites", "POST", "/search/statistics", json={"isFavorite": True}
    )


def albums(session: Session, ids: dict[str, str]) -> str:
    created = session.as_user(
        "create album",
        "POST",
        "/albums",
        json={"albumName": "Fidelity", "description": "both servers", "assetIds": [ids["jpeg"]]},
    )
    album_id = str(body_of(created).get("id", "missing"))
    session.labels.add(album_id, "album")
    session.as_user(
        "add assets to album",
        "PUT",
        f"/albums/{album_id}/assets",
        json={"ids": [ids["png"], ids["jpeg"], NOT_AN_ID]},
    )
    session.as_user("get album", "GET", f"/albums/{album_id}")
    session.as_user("list albums", "GET", "/albums")
    session.as_user(
        "share album with b",
        "PUT",
        f"/albums/{album_id}/users",
        json={"albumUsers": [{"userId": session.other.id, "role": "viewer"}]},
    )
    session.call("b lists shared albums", "GET", "/albums?isShared=true", key=session.other.api_key)
    session.call("b gets album", "GET", f"/albums/{album_id}", key=session.other.api_key)
    session.as_user(
        "remove assets from album",
        "DELETE",
        f"/albums/{album_id}/assets",
        json={"ids": [ids["png"], ids["older"]]},
    )
    session.as_user("album statistics", "GET", "/albums/statistics")
    scratch = session.as_user("create scratch album", "POST", "/albums", json={"albumName": "x"})
    session.as_user("delete scratch album", "DELETE", f"/albums/{body_of(scratch).get('id')}")
    return album_id


def tags(session: Session, ids: dict[str, str]) -> None:
    created = session.as_user("create tag", "POST", "/tags", json={"name": "fidelity"})
    tag_id = str(body_of(created).get("id", "missing"))
    session.labels.add(tag_id, "tag")
    upserted = session.as_user("upsert tags", "PUT", "/tags", json={"tags": ["places/paris"]})
    for tag in list_of(upserted):
        session.labels.add(tag.get("id"), f"tag {tag.get('value')}")
    session.as_user(
        "tag assets", "PUT", f"/tags/{tag_id}/assets", json={"ids": [ids["jpeg"], ids["png"]]}
    )
    session.as_user("get tag", "GET", f"/tags/{tag_id}")
    session.as_user("list tags", "GET", "/tags", expect=Expect(unordered=True))
    session.as_user("GET asset with tags", "GET", f"/assets/{ids['jpeg']}")


def shared_links(session: Session, ids: dict[str, str], album_id: str) -> None:
    album_link = body_of(
        session.as_user(
            "create album shared link",
            "POST",
            "/shared-links",
            json={"type": "ALBUM", "albumId": album_id, "description": "for friends"},
        )
    )
    asset_link = body_of(
        session.as_user(
            "create asset shared link",
            "POST",
            "/shared-links",
            json={"type": "INDIVIDUAL", "assetIds": [ids["png"]], "allowDownload": False},
        )
    )
    session.labels.add(album_link.get("id"), "album link")
    session.labels.add(asset_link.get("id"), "asset link")
    session.labels.add(album_link.get("key"), "album link key")
    session.labels.add(asset_link.get("key"), "asset link key")
    album_key = {"key": album_link.get("key", "missing")}
    asset_key = {"key": asset_link.get("key", "missing")}
    session.as_user("list shared links", "GET", "/shared-links", expect=Expect(unordered=True))
    session.as_user("get shared link", "GET", f"/shared-links/{asset_link.get('id')}")
    session.as_user(
        "add assets to shared link",
        "PUT",
        f"/shared-links/{asset_link.get('id')}/assets",
        json={"assetIds": [ids["older"], ids["png"]]},
    )
    session.as_user(
        "update shared link",
        "PATCH",
        f"/shared-links/{asset_link.get('id')}",
        json={"description": "two files", "showMetadata": False},
    )
    session.call("shared link me (album)", "GET", "/shared-links/me", params=album_key)
    # The API promises no order for a link's assets.
    session.call(
        "shared link me (assets)",
        "GET",
        "/shared-links/me",
        params=asset_key,
        expect=Expect(unordered=True),
    )
    session.call("shared album anonymously", "GET", f"/albums/{album_id}", params=album_key)
    session.call("shared asset anonymously", "GET", f"/assets/{ids['jpeg']}", params=album_key)
    session.call(
        "shared thumbnail anonymously",
        "GET",
        f"/assets/{ids['jpeg']}/thumbnail",
        params=album_key,
    )
    session.call(
        "shared original anonymously",
        "GET",
        f"/assets/{ids['jpeg']}/original",
        params=album_key,
        expect=Expect(bytes_equal=True),
    )
    session.call(
        "shared download info anonymously",
        "POST",
        "/download/info",
        params=album_key,
        json={"albumId": album_id},
    )
    session.call(
        "unshared asset through album link",
        "GET",
        f"/assets/{ids['older']}",
        params=album_key,
    )
    session.call(
        "download refused by asset link",
        "GET",
        f"/assets/{ids['png']}/original",
        params=asset_key,
    )
    session.call("bad shared link key", "GET", "/shared-links/me", params={"key": "nope"})
    session.as_user(
        "remove assets from shared link",
        "DELETE",
        f"/shared-links/{asset_link.get('id')}/assets",
        json={"assetIds": [ids["older"]]},
    )
    session.as_user("delete shared link", "DELETE", f"/shared-links/{asset_link.get('id')}")
    session.call("deleted shared link", "GET", "/shared-links/me", params=asset_key)


def downloads(session: Session, ids: dict[str, str]) -> None:
    original = f"/assets/{ids['jpeg']}/original"
    exact = Expect(bytes_equal=True)
    session.as_user("download original", "GET", original, expect=exact)
    session.as_user(
        "download range", "GET", original, headers={"range": "bytes=0-99"}, expect=exact
    )
    session.as_user(
        "download open range", "GET", original, headers={"range": "bytes=100-"}, expect=exact
    )
    session.as_user(
        "download unsatisfiable range", "GET", original, headers={"range": "bytes=999999-"}
    )
    session.as_user("thumbnail", "GET", f"/assets/{ids['jpeg']}/thumbnail")
    session.as_user(
        "preview", "GET", f"/assets/{ids['jpeg']}/thumbnail", params={"size": "preview"}
    )
    session.as_user(
        "download info",
        "POST",
        "/download/info",
        json={"assetIds": [ids["jpeg"], ids["png"]]},
        expect=Expect(unordered=True),
    )
    session.as_user(
        "download archive",
        "POST",
        "/download/archive",
        json={"assetIds": [ids["jpeg"], ids["png"]]},
    )


def trash(session: Session, ids: dict[str, str]) -> None:
    session.as_user("trash asset", "DELETE", "/assets", json={"ids": [ids["older"]]})
    session.as_user("GET trashed asset", "GET", f"/assets/{ids['older']}")
    session.as_user(
        "search trashed", "POST", "/search/metadata", json={"trashedAfter": "2000-01-01T00:00:00Z"}
    )
    session.as_user("restore asset", "POST", "/trash/restore/assets", json={"ids": [ids["older"]]})
    session.as_user("GET restored asset", "GET", f"/assets/{ids['older']}")


def errors(session: Session, ids: dict[str, str]) -> None:
    session.as_user(
        "400 album with bad asset ids",
        "POST",
        "/albums",
        json={"albumName": "bad", "assetIds": ["nope", ids["jpeg"], "also-bad"]},
    )
    session.as_user("400 bad path id", "GET", "/assets/nope")
    session.as_user("400 missing field", "POST", "/albums", json={"description": "no name"})
    session.as_user("400 wrong type", "PUT", f"/assets/{ids['jpeg']}", json={"isFavorite": "yes"})
    session.as_user("400 search bad enum", "POST", "/search/metadata", json={"order": "sideways"})
    session.call("401 no key", "GET", "/users/me")
    session.call("401 bad key", "GET", "/users/me", key="not-a-key")
    session.as_user("403 non-admin on admin route", "GET", "/admin/users")
    session.as_user("404 unknown asset", "GET", f"/assets/{NOT_AN_ID}")
    session.as_user("404 unknown album", "GET", f"/albums/{NOT_AN_ID}")
    session.as_user("404 unknown route", "GET", "/no-such-route")


def project_sync(lines: Any, labels: Labels) -> Any:
    """A stream by entity type: how many lines of each (for the script's own data), the shape
    of their data, and the ack's form (``Type|<id>``)."""
    if not isinstance(lines, list):
        return lines
    by_type: dict[str, list[Any]] = defaultdict(list)
    for line in lines:
        by_type[str(line.get("type"))].append(line)
    projected: dict[str, Any] = {}
    for entity, items in by_type.items():
        acks = sorted({_ack_form(str(item.get("ack", ""))) for item in items})
        data = [item.get("data") for item in items]
        # Every user of the server is in UsersV1: a count the real server's others change.
        count = "any" if entity in ("UserV1",) else len(items)
        projected[entity] = {"count": count, "acks": acks, "data": _describe_loose(data, labels)}
    projected["order"] = list(by_type)
    return projected


def _ack_form(ack: str) -> str:
    """An ack with its ids replaced: ``AssetV2|<id>``, ``AlbumToAssetBackfillV1|<id>|complete``,
    ``SyncResetV1|reset``."""
    entity, *parts = ack.split("|")
    return "|".join([entity, *("<id>" if UUID.match(part) else part for part in parts)])


def _describe_loose(data: list[Any], labels: Labels) -> Any:
    return describe(data, labels, frozenset(), LOOSE)


# What ``client.mirror`` streams (Immich 3.x).
MIRROR_TYPES = ["AssetsV2", "AlbumsV2", "AlbumToAssetsV1", "AssetExifsV1"]


def _acks(response: Any) -> list[str]:
    """The last ack of each entity type in a stream: what a client sends back."""
    last_by_type: dict[str, str] = {}
    for line in response.text.splitlines():
        if line.strip():
            ack = str(json.loads(line).get("ack", ""))
            last_by_type[ack.split("|", 1)[0]] = ack
    return list(last_by_type.values())


def sync(session: Session, ids: dict[str, str]) -> None:
    """The sync protocol as the mirror uses it: a first stream (the whole library, the
    deletes of the album and asset removed earlier first), acks, a quiet stream, changes
    of every kind, a reset the server asks for, and the errors."""
    token = session.user.token
    # The projection describes the data's JSON types itself: "data" keeps them.
    stream = Expect(project=project_sync, values=frozenset({"count", "acks", "order", "data"}))

    def streamed(step: str, types: list[str] = MIRROR_TYPES, **body: Any) -> Any:
        return session.call(
            step,
            "POST",
            "/sync/stream",
            token=token,
            json={"types": types, **body},
            expect=stream,
        )

    def ack(step: str, acks: list[str]) -> None:
        session.call(step, "POST", "/sync/ack", token=token, json={"acks": acks})

    session.call(
        "sync with an API key",
        "POST",
        "/sync/stream",
        key=session.user.api_key,
        json={"types": ["AssetsV2"]},
    )
    session.call("sync acks with an API key", "GET", "/sync/ack", key=session.user.api_key)
    first = streamed("sync stream")
    ack("sync ack", _acks(first))
    session.call("sync get acks", "GET", "/sync/ack", token=token, expect=Expect(unordered=True))
    streamed("sync after ack (nothing new)")
    streamed("sync albums v1 (own checkpoint)", ["AlbumsV1"])

    session.call(
        "sync trash (asset update)",
        "DELETE",
        "/assets",
        key=session.user.api_key,
        json={"ids": [ids["png"]]},
    )
    session.as_user(
        "sync favourite and describe",
        "PUT",
        f"/assets/{ids['older']}",
        json={"isFavorite": False, "description": "older, described"},
    )
    created = session.as_user(
        "sync new album", "POST", "/albums", json={"albumName": "Sync", "assetIds": [ids["live"]]}
    )
    new_album = str(body_of(created).get("id", "missing"))
    session.labels.add(new_album, "sync album")
    session.as_user(
        "sync remove from album",
        "DELETE",
        f"/albums/{new_album}/assets",
        json={"ids": [ids["live"]]},
    )
    session.as_user(
        "sync add to album", "PUT", f"/albums/{new_album}/assets", json={"ids": [ids["older"]]}
    )
    session.settle(session)
    changed = streamed("sync after change")
    ack("sync ack changes", _acks(changed))
    streamed("sync after acking changes (nothing new)")

    session.as_user("sync delete the album", "DELETE", f"/albums/{new_album}")
    session.settle(session)
    streamed("sync after album deleted")
    streamed("sync with reset", reset=True)

    sessions = list_of(session.call("sync sessions", "GET", "/sessions", token=token))
    current = next((s["id"] for s in sessions if s.get("current")), "missing")
    session.call(
        "sync ask for a reset",
        "PUT",
        f"/sessions/{current}",
        token=token,
        json={"isPendingSyncReset": True},
    )
    streamed("sync pending reset")
    ack("sync ack the reset", ["SyncResetV1|reset"])
    streamed("sync after reset (everything)")

    session.call(
        "sync deprecated type",
        "POST",
        "/sync/stream",
        token=token,
        json={"types": ["AssetsV1"]},
    )
    session.call(
        "sync unknown type",
        "POST",
        "/sync/stream",
        token=token,
        json={"types": ["AssetsV9"]},
    )
    ack("sync ack an unknown type", ["AssetsV9|0192a6e4-0000-7000-8000-000000000000"])
    ack("sync ack nothing", [])
    session.call("sync delete acks", "DELETE", "/sync/ack", token=token, json={})
    session.call("sync acks after delete", "GET", "/sync/ack", token=token)


def parameterless_gets(session: Session) -> None:
    """Every GET of the spec without path or required query parameters: as the script's
    user, or as the admin for admin-only routes, with server-wide lists compared loosely."""
    for path, item in sorted(load_spec()["paths"].items()):
        operation = item.get("get")
        if operation is None or "{" in path or path in SKIPPED_GETS:
            continue
        required = [
            parameter
            for parameter in operation.get("parameters", [])
            if parameter.get("required") and parameter.get("in") == "query"
        ]
        if required:
            continue
        step = f"GET {path}"
        if step in session.exchanges:
            step += " (again)"
        if operation.get("x-immich-admin-only"):
            session.as_admin(step, "GET", path, expect=SERVER_WIDE)
        elif path.startswith("/sync/"):
            session.call(step, "GET", path, token=session.user.token, expect=LOOSE)
        else:
            session.as_user(step, "GET", path, expect=LOOSE)
