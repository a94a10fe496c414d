"""Assets: upload and duplicates, bulk checks, metadata search, downloads, trash."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

import pytest
from PIL import Image

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error, assert_unreadable


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def sha1_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def upload_all(api: Api, files: list[bytes]) -> list[str]:
    ids = []
    for index, data in enumerate(files):
        taken_at = f"2024-01-{index % 28 + 1:02d}T{index % 24:02d}:00:00.000Z"
        response = api.upload(data, f"IMG_{index:04d}.jpg", taken_at=taken_at)
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "created"
        ids.append(response.json()["id"])
    return ids


def test_upload_fifty_then_duplicates(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs)
    assert len(set(ids)) == 50

    again = api.upload(jpegs[7], "copy.jpg")
    assert again.status_code == 200
    assert again.json() == {"id": ids[7], "status": "duplicate"}

    # The checksum header answers before the file is even looked at.
    announced = api.upload(
        jpegs[8], "IMG_0008.jpg", headers={"x-immich-checksum": sha1_base64(jpegs[8])}
    )
    assert announced.json() == {"id": ids[8], "status": "duplicate"}
    announced_hex = api.upload(
        jpegs[9], "IMG_0009.jpg", headers={"x-immich-checksum": sha1_hex(jpegs[9])}
    )
    assert announced_hex.json() == {"id": ids[9], "status": "duplicate"}

    asset = api.get(f"/assets/{ids[0]}").json()
    assert asset["checksum"] == sha1_base64(jpegs[0])
    assert asset["originalFileName"] == "IMG_0000.jpg"
    assert asset["originalMimeType"] == "image/jpeg"
    assert asset["type"] == "IMAGE"
    assert asset["fileCreatedAt"] == "2024-01-01T00:00:00.000Z"
    assert asset["exifInfo"]["fileSizeInByte"] == len(jpegs[0])
    statistics = api.get("/assets/statistics").json()
    assert statistics == {"images": 50, "videos": 0, "total": 50}


def test_upload_rejects_bad_requests(api: Api, jpegs: list[bytes]) -> None:
    assert_error(api.upload(b"text", "notes.txt"), 400, "Bad Request")
    missing_date = api.post(
        "/assets",
        files={"assetData": ("a.jpg", jpegs[0], "image/jpeg")},
        data={"fileModifiedAt": "2024-01-01T00:00:00Z"},
    )
    assert_error(missing_date, 400, "Bad Request")
    no_file = api.post("/assets", data={"fileCreatedAt": "x"}, files={"other": ("x", b"x")})
    assert_error(no_file, 400, "Bad Request")
    assert_error(api.post("/assets", json={"assetData": "x"}), 400, "Bad Request")


def test_streamed_upload(api: Api, jpegs: list[bytes]) -> None:
    """A body sent in small chunks of unknown total size (chunked on the loopback socket)."""
    boundary = "fake-immich-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n'
        "2023-03-04T05:06:07+01:00\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n'
        "2023-03-04T05:06:07Z\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="deviceAssetId"\r\n\r\n'
        "ignored-by-immich-3\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="assetData"; '
        'filename="streamed.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
    ]
    body = "".join(parts).encode() + jpegs[0] + f"\r\n--{boundary}--\r\n".encode()
    chunks = [body[offset : offset + 100] for offset in range(0, len(body), 100)]
    response = api.post(
        "/assets",
        content_chunks=chunks,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.text
    asset = api.get(f"/assets/{response.json()['id']}").json()
    assert asset["fileCreatedAt"] == "2023-03-04T04:06:07.000Z"
    assert api.get(f"/assets/{asset['id']}/original").content == jpegs[0]


def test_bulk_upload_check(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs[:3])
    check = api.post(
        "/assets/bulk-upload-check",
        json={
            "assets": [
                {"id": "known-hex", "checksum": sha1_hex(jpegs[0])},
                {"id": "known-base64", "checksum": sha1_base64(jpegs[1])},
                {"id": "new", "checksum": sha1_hex(jpegs[10])},
            ]
        },
    )
    assert check.status_code == 200
    assert check.json()["results"] == [
        {
            "id": "known-hex",
            "action": "reject",
            "reason": "duplicate",
            "assetId": ids[0],
            "isTrashed": False,
        },
        {
            "id": "known-base64",
            "action": "reject",
            "reason": "duplicate",
            "assetId": ids[1],
            "isTrashed": False,
        },
        {"id": "new", "action": "accept"},
    ]


def search(api: Api, **filters: object) -> dict[str, object]:
    response = api.post("/search/metadata", json=filters)
    assert response.status_code == 200, response.text
    assets: dict[str, object] = response.json()["assets"]
    return assets


def found_ids(api: Api, **filters: object) -> list[str]:
    items = search(api, **filters)["items"]
    assert isinstance(items, list)
    return [item["id"] for item in items]


def test_search_metadata(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs)

    assert found_ids(api, checksum=sha1_base64(jpegs[5])) == [ids[5]]
    assert found_ids(api, checksum=sha1_hex(jpegs[6])) == [ids[6]]
    assert found_ids(api, originalFileName="img_0012") == [ids[12]]
    assert found_ids(api, type="VIDEO") == []
    assert len(found_ids(api, type="IMAGE", size=1000)) == 50

    api.put("/assets", json={"ids": ids[:3], "isFavorite": True})
    assert sorted(found_ids(api, isFavorite=True)) == sorted(ids[:3])

    # Assets 0..27 were taken on January 1st..28th, 28..49 again from the 1st.
    january_third = found_ids(
        api, takenAfter="2024-01-03T00:00:00.000Z", takenBefore="2024-01-03T23:59:59.999Z"
    )
    assert sorted(january_third) == sorted([ids[2], ids[30]])

    first, second, third = (search(api, size=20, page=page) for page in (1, 2, 3))
    assert (first["count"], first["nextPage"]) == (20, "2")
    assert (second["count"], second["nextPage"]) == (20, "3")
    assert (third["count"], third["nextPage"]) == (10, None)
    assert search(api, size=20, page=4)["items"] == []
    oldest_first = found_ids(api, order="asc", size=2)
    assert oldest_first == [ids[0], ids[28]]

    assert_error(api.post("/search/metadata", json={"size": 0}), 400, "Bad Request")
    assert_error(api.post("/search/metadata", json={"albumIds": ["x"]}), 400, "Bad Request")


def test_download_original_with_ranges(api: Api, jpegs: list[bytes]) -> None:
    (asset_id,) = upload_all(api, jpegs[:1])
    data = jpegs[0]

    whole = api.get(f"/assets/{asset_id}/original")
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["content-type"] == "image/jpeg"
    assert whole.headers["content-length"] == str(len(data))
    assert whole.headers["accept-ranges"] == "bytes"

    part = api.get(f"/assets/{asset_id}/original", headers={"range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"

    rest = api.get(f"/assets/{asset_id}/original", headers={"range": "bytes=100-"})
    assert rest.content == data[100:]
    tail = api.get(f"/assets/{asset_id}/original", headers={"range": "bytes=-10"})
    assert tail.content == data[-10:]

    resumed = api.get(
        f"/assets/{asset_id}/original",
        headers={"range": "bytes=100-", "if-range": whole.headers["etag"]},
    )
    assert resumed.status_code == 206
    stale = api.get(
        f"/assets/{asset_id}/original", headers={"range": "bytes=100-", "if-range": '"old"'}
    )
    assert stale.status_code == 200
    assert stale.content == data

    beyond = api.get(f"/assets/{asset_id}/original", headers={"range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(data)}"


def test_thumbnails_are_webp_and_previews_jpeg(api: Api, jpegs: list[bytes]) -> None:
    (asset_id,) = upload_all(api, jpegs[:1])
    for size, media_type, image_format in (
        ("thumbnail", "image/webp", "WEBP"),
        ("preview", "image/jpeg", "JPEG"),
    ):
        response = api.get(f"/assets/{asset_id}/thumbnail", params={"size": size})
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.format == image_format


def test_download_archive(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs[:4])
    # A second file with an existing name gets "+1" in the archive.
    same_name = api.upload(jpegs[4], "IMG_0000.jpg").json()["id"]
    everything = [*ids, same_name]

    info = api.post("/download/info", json={"assetIds": everything})
    assert info.status_code == 201
    assert info.json()["totalSize"] == sum(len(data) for data in jpegs[:5])
    assert [archive["assetIds"] for archive in info.json()["archives"]] == [everything]
    split = api.post("/download/info", json={"assetIds": everything, "archiveSize": 1})
    assert len(split.json()["archives"]) == 5

    archive = api.post("/download/archive", json={"assetIds": everything})
    assert archive.status_code == 200
    assert archive.headers["content-type"] == "application/octet-stream"  # as Immich sends archives
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.testzip() is None
        assert opened.namelist() == [
            "IMG_0000.jpg",
            "IMG_0001.jpg",
            "IMG_0002.jpg",
            "IMG_0003.jpg",
            "IMG_0000+1.jpg",
        ]
        assert opened.read("IMG_0000+1.jpg") == jpegs[4]
        assert opened.read("IMG_0003.jpg") == jpegs[3]


def test_trash_restore_and_empty(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs[:6])

    assert api.delete("/assets", json={"ids": ids[:4], "force": False}).status_code == 204
    assert api.get(f"/assets/{ids[0]}").json()["isTrashed"] is True
    assert sorted(found_ids(api)) == sorted(ids[4:])
    assert sorted(found_ids(api, withDeleted=True)) == sorted(ids)
    check = api.post(
        "/assets/bulk-upload-check", json={"assets": [{"id": "a", "checksum": sha1_hex(jpegs[0])}]}
    )
    assert check.json()["results"][0]["isTrashed"] is True

    restored = api.post("/trash/restore/assets", json={"ids": [ids[0]]})
    assert restored.json() == {"count": 1}
    assert api.get(f"/assets/{ids[0]}").json()["isTrashed"] is False
    assert api.post("/trash/restore").json() == {"count": 3}

    api.delete("/assets", json={"ids": ids[:2]})
    assert api.post("/trash/empty").json() == {"count": 2}
    assert_unreadable(api.get(f"/assets/{ids[0]}"))
    assert api.get(f"/assets/{ids[2]}").status_code == 200

    # Gone for good, so the same file counts as new again.
    assert api.upload(jpegs[0], "IMG_0000.jpg").status_code == 201
    api.delete("/assets", json={"ids": [ids[5]], "force": True})
    assert_unreadable(api.get(f"/assets/{ids[5]}"))


def test_bulk_update_visibility_and_favorite(api: Api, jpegs: list[bytes]) -> None:
    ids = upload_all(api, jpegs[:3])
    update = api.put("/assets", json={"ids": ids[:2], "visibility": "archive", "isFavorite": True})
    assert update.status_code == 204
    archived = api.get(f"/assets/{ids[0]}").json()
    assert (archived["visibility"], archived["isArchived"], archived["isFavorite"]) == (
        "archive",
        True,
        True,
    )
    assert sorted(found_ids(api, visibility="archive")) == sorted(ids[:2])
    api.put("/assets", json={"ids": [ids[2]], "visibility": "locked"})
    assert ids[2] not in found_ids(api)

    single = api.put(f"/assets/{ids[1]}", json={"description": "sunset", "rating": 4})
    assert single.json()["exifInfo"]["description"] == "sunset"
    assert single.json()["exifInfo"]["rating"] == 4

    unknown = "3f0ec7f4-2a9e-4c3e-9d8f-0a1b2c3d4e5f"
    assert_error(
        api.put("/assets", json={"ids": [unknown], "isFavorite": True}), 400, "Bad Request"
    )


@pytest.mark.parametrize("path", ["/assets/{id}", "/assets/{id}/original"])
def test_other_users_assets_are_not_found(
    api: Api, fake: FakeImmich, jpegs: list[bytes], path: str
) -> None:
    (asset_id,) = upload_all(api, jpegs[:1])
    _, key = fake.create_user(email="eve@example.com", name="Eve")
    assert_unreadable(api.as_key(key).get(path.format(id=asset_id)))
