"""A server that names its downloads (Content-Disposition) to break out of the target
folder, or to trip up a file system: ``download_asset_to_file(id, folder)`` keeps every
byte inside ``folder``, under one safe name."""

from __future__ import annotations

import sys
import unicodedata
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich import Client
from immich._transfer.paths import MAX_NAME_BYTES, safe_filename
from tests.helpers import ASSET_ID, names_in

CAFE = "café.jpg"
NFC = unicodedata.normalize("NFC", CAFE)
NFD = unicodedata.normalize("NFD", CAFE)

HOSTILE = {
    "parent": "../../x",
    "parent-jpg": "../../../../etc/cron.d/evil.jpg",
    "absolute": "/etc/passwd",
    "drive": "C:\\x",
    "drive-relative": "C:x.jpg",
    "unc": "\\\\server\\share\\x.jpg",
    "inner-parent": "a/../b",
    "backslash-parent": "..\\..\\win.ini",
    "nul": "a\x00b.jpg",
    "nul-truncation": "safe.jpg\x00.sh",
    "escape-sequence": "a\x1b[31mred.jpg",
    "newline": "a\nb.jpg",
    "long-ascii": "x" * 300 + ".jpg",
    "long-multibyte": "é" * 300 + ".jpg",
    "long-emoji": "\U0001f600" * 100 + ".jpg",
    "long-no-suffix": "y" * 300,
    "long-suffix": "z." + "s" * 300,
    "con": "CON",
    "con-lower-ext": "con.txt",
    "lpt1": "LPT1.jpg",
    "com-superscript": "COM\u00b9.jpg",
    "dot": ".",
    "dotdot": "..",
    "empty": "",
    "spaces": "   ",
    "dots-and-spaces": ". . .",
    "trailing-dot": "photo.jpg.",
    "trailing-space": "photo.jpg ",
    "rtl-override": "\u202egpj.exe",
    "percent-encoded": "%2e%2e%2f%2e%2e%2fx",
    "nfc": NFC,
    "nfd": NFD,
}
RESERVED = {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1", "COM\u00b9"}


def _disposition(name: str, form: str) -> bytes:
    """RFC 6266's ``filename*`` (UTF-8, percent-encoded), or a plain quoted ``filename``
    in raw Latin-1 bytes, as some servers send it."""
    if form == "ext":
        return b"attachment; filename*=UTF-8''" + urllib.parse.quote(name, safe="").encode()
    return f'attachment; filename="{name}"'.encode("latin-1")


def _serving(name: str, form: str, body: bytes = b"\xff\xd8 photo") -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = [(b"content-disposition", _disposition(name, form))]
        return httpx.Response(200, headers=headers, content=body)

    return httpx.MockTransport(answer)


def _plain_form_possible(name: str) -> bool:
    try:
        name.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(c in name for c in '"\\\r\n\x00')


def _cases() -> list[Any]:
    cases = []
    for label, name in HOSTILE.items():
        cases.append(pytest.param(name, "ext", id=f"{label}-ext"))
        if _plain_form_possible(name):
            cases.append(pytest.param(name, "plain", id=f"{label}-plain"))
    return cases


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if not p.is_dir())


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "outer" / "inner" / "target"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(("name", "form"), _cases())
def test_hostile_names_stay_in_the_folder(
    name: str, form: str, target: Path, tmp_path: Path
) -> None:
    with Client("http://127.0.0.1:2283", transport=_serving(name, form)) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, target)
    # One file, directly in the target folder, with all the bytes, and nothing else.
    assert path.parent == target
    assert _all_files(tmp_path) == [path]
    assert path.read_bytes() == b"\xff\xd8 photo"
    # A name any common file system takes.
    written = path.name
    assert written not in ("", ".", "..")
    assert not any(c in written for c in '/\\:*?"<>|')
    assert not any(unicodedata.category(c) == "Cc" for c in written)
    assert len(written.encode()) <= MAX_NAME_BYTES
    assert written.partition(".")[0].rstrip(" ").upper() not in RESERVED
    assert not written.endswith((".", " "))
    assert unicodedata.is_normalized("NFC", written)
    # The name the streaming helper chose is the one safe_filename gives.
    assert written in (safe_filename(name), "download")


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/cron.d/evil.jpg", "evil.jpg"),
        ("C:\\Users\\me\\x.jpg", "x.jpg"),
        ("a\x00b.jpg", "a_b.jpg"),
        ("CON", "_CON"),
        ("..", "file"),
        ("", "download"),
        (NFD, NFC),
    ],
)
def test_what_becomes_of_a_hostile_name(name: str, kept: str, target: Path) -> None:
    with Client("http://127.0.0.1:2283", transport=_serving(name, "ext")) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, target)
    assert path.name == kept


@pytest.mark.parametrize("control", ["\u202e", "\u202d", "\u2066", "\u200f"])
def test_bidirectional_controls_do_not_survive(control: str, target: Path) -> None:
    name = f"holiday{control}gpj.exe"
    with Client("http://127.0.0.1:2283", transport=_serving(name, "ext")) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, target)
    assert control not in path.name


def test_long_names_keep_their_extension(target: Path) -> None:
    name = "é" * 300 + ".jpg"
    with Client("http://127.0.0.1:2283", transport=_serving(name, "ext")) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, target)
    assert path.suffix == ".jpg"
    assert len(path.name.encode()) <= MAX_NAME_BYTES


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_a_symlink_in_the_folder_is_replaced_not_followed(target: Path, tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_bytes(b"keep me")
    (target / "evil.jpg").symlink_to(outside)
    transport = _serving("evil.jpg", "ext", body=b"from the server")
    with Client("http://127.0.0.1:2283", transport=transport) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, target)
    assert outside.read_bytes() == b"keep me"
    assert not path.is_symlink()
    assert path.read_bytes() == b"from the server"


def _twin_cases() -> list[Any]:
    return [
        pytest.param(NFC, NFD, id="nfc-then-nfd"),
        pytest.param(NFD, NFC, id="nfd-then-nfc"),
        pytest.param("IMG_0001.jpg", "IMG_0001.jpg", id="same-name"),
        pytest.param("IMG_0001.jpg", "../IMG_0001.jpg", id="same-after-cleaning"),
    ]


@pytest.mark.parametrize(("first", "second"), _twin_cases())
def test_a_server_name_never_replaces_an_existing_file(
    first: str, second: str, target: Path
) -> None:
    names = iter([(first, b"first asset"), (second, b"second asset")])

    def answer(request: httpx.Request) -> httpx.Response:
        name, body = next(names)
        headers = [(b"content-disposition", _disposition(name, "ext"))]
        return httpx.Response(200, headers=headers, content=body)

    with Client("http://127.0.0.1:2283", transport=httpx.MockTransport(answer)) as c:
        one = c.assets.download_asset_to_file(ASSET_ID, target)
        two = c.assets.download_asset_to_file(ASSET_ID, target)
    assert one != two
    contents = sorted((target / name).read_bytes() for name in names_in(target))
    assert contents == [b"first asset", b"second asset"]


def test_twins_are_one_name_to_safe_filename() -> None:
    # By design: the NFC and NFD spellings collide, so that they cannot stand side by
    # side as two names a user cannot tell apart.
    assert safe_filename(NFC) == safe_filename(NFD) == NFC


def test_an_explicit_file_name_is_used_as_given(target: Path) -> None:
    # A destination that is not a folder is the caller's choice, not the server's.
    destination = target / "chosen name.jpg"
    with Client("http://127.0.0.1:2283", transport=_serving("../x", "ext")) as client:
        path = client.assets.download_asset_to_file(ASSET_ID, destination)
    assert path == destination
    assert names_in(target) == ["chosen name.jpg"]
