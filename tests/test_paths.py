"""Names from a server become safe single path components, and stay inside the destination."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from immich._transfer.paths import MAX_NAME_BYTES, inside, name_key, numbered, safe_filename


@pytest.mark.parametrize(
    ("hostile", "safe"),
    [
        ("../../x.jpg", "x.jpg"),
        ("/etc/passwd", "passwd"),
        ("C:\\x.jpg", "x.jpg"),
        ("C:x.jpg", "C_x.jpg"),  # a drive-relative path
        ("a/../b.jpg", "b.jpg"),
        ("..", "file"),
        ("...", "file"),
        ("", "file"),
        ("nul\x00byte.jpg", "nul_byte.jpg"),
        ("tab\there\n.jpg", "tab_here_.jpg"),
        ("CON", "_CON"),
        ("con.jpg", "_con.jpg"),
        ("LPT1.tar.gz", "_LPT1.tar.gz"),
        ("COM\u00b9.jpg", "_COM\u00b9.jpg"),
        ("CONSOLE.jpg", "CONSOLE.jpg"),  # only the exact device names are reserved
        ("x. . ", "x"),  # Windows would drop the trailing dots and spaces
        ('a<b>c:d"e|f?g*h.jpg', "a_b_c_d_e_f_g_h.jpg"),
    ],
)
def test_hostile_names_become_one_safe_component(hostile: str, safe: str) -> None:
    assert safe_filename(hostile) == safe


def test_long_names_are_cut_to_fit_keeping_the_extension() -> None:
    name = safe_filename("é" * 300 + ".jpeg")
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert name.endswith(".jpeg")
    name.encode().decode()  # never a split UTF-8 sequence


def test_nfc_and_nfd_spellings_are_one_name() -> None:
    nfd = unicodedata.normalize("NFD", "café.jpg")
    assert nfd != "café.jpg"
    assert safe_filename(nfd) == safe_filename("café.jpg")
    assert name_key("IMG.JPG") == name_key("img.jpg")


@pytest.mark.parametrize(
    ("name", "number", "expected"),
    [
        ("IMG.jpg", 1, "IMG.jpg"),
        ("IMG.jpg", 2, "IMG (2).jpg"),
        ("archive.tar.gz", 3, "archive.tar (3).gz"),
        ("README", 2, "README (2)"),
        (".hidden", 2, ".hidden (2)"),
    ],
)
def test_numbered(name: str, number: int, expected: str) -> None:
    assert numbered(name, number) == expected


def test_inside_accepts_what_stays_in_and_refuses_symlinks_out(tmp_path: Path) -> None:
    root = tmp_path / "dest"
    root.mkdir()
    assert inside(root, "a", "b.jpg") == root.resolve() / "a" / "b.jpg"
    assert inside(root) == root.resolve()
    with pytest.raises(ValueError, match="outside"):
        inside(root, "..", "x")
    (root / "escape").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="outside"):
        inside(root, "escape", "x.jpg")
