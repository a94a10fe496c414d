"""Ignore patterns: the gitignore-like rules ``upload(ignore=...)`` documents."""

from __future__ import annotations

import pytest

from immich._transfer.ignore import IgnoreRules


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "ignored"),
    [
        # No slash: a name at any depth.
        ("*.tmp", "a.tmp", False, True),
        ("*.tmp", "deep/er/a.tmp", False, True),
        ("*.tmp", "a.tmp.jpg", False, False),
        ("@eaDir", "x/@eaDir", True, True),
        ("Thumbs.db", "x/y/Thumbs.db", False, True),
        # A slash anchors to the walked folder.
        ("/raw", "raw", True, True),
        ("/raw", "x/raw", True, False),
        ("2023/drafts", "2023/drafts", True, True),
        ("2023/drafts", "old/2023/drafts", True, False),
        ("a/*.jpg", "a/x.jpg", False, True),
        ("a/*.jpg", "a/b/x.jpg", False, False),  # * stays within one name
        # A trailing slash: folders only.
        ("cache/", "cache", True, True),
        ("cache/", "cache", False, False),
        ("cache/", "x/cache", True, True),
        # ** spans folders.
        ("**/tmp", "tmp", True, True),
        ("**/tmp", "a/b/tmp", True, True),
        ("a/**/b", "a/b", True, True),
        ("a/**/b", "a/x/y/b", True, True),
        ("a/**/b", "x/a/b", True, False),
        ("exports/**", "exports/a/b.jpg", False, True),
        ("exports/**", "exports", True, False),
        # ? and character classes.
        ("IMG_?.jpg", "IMG_1.jpg", False, True),
        ("IMG_?.jpg", "IMG_12.jpg", False, False),
        ("[ab].jpg", "a.jpg", False, True),
        ("[!ab].jpg", "a.jpg", False, False),
        ("[!ab].jpg", "c.jpg", False, True),
        # Case-sensitive, as git.
        ("*.mov", "x.MOV", False, False),
        # Literal regex characters are literal.
        ("a+b (1).jpg", "a+b (1).jpg", False, True),
        ("a+b (1).jpg", "aab (1).jpg", False, False),
    ],
)
def test_pattern_semantics(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    assert IgnoreRules([pattern]).matches(path, is_dir=is_dir) is ignored


def test_blank_lines_and_comments_are_no_patterns() -> None:
    rules = IgnoreRules(["", "  ", "# a comment"])
    assert not rules
    assert not rules.matches("# a comment", is_dir=False)


def test_negation_is_refused_rather_than_misread() -> None:
    with pytest.raises(ValueError, match="negated"):
        IgnoreRules(["!keep.jpg"])
