"""The docs list every exception the package exports: the hierarchy in the errors
concept page, and the README's table."""

from __future__ import annotations

import re
from pathlib import Path

import immich

ROOT = Path(__file__).resolve().parents[2]


def exported_errors() -> set[str]:
    return {
        name
        for name in immich.__all__
        if isinstance(getattr(immich, name), type)
        and issubclass(getattr(immich, name), immich.ImmichError)
    }


def test_the_errors_page_shows_every_exception_under_its_parent() -> None:
    page = (ROOT / "docs" / "concepts" / "errors.md").read_text(encoding="utf-8")
    tree = page.split("```text", 1)[1].split("```", 1)[0]
    # Each line: the drawing, a name, its description; the drawing's depth is the nesting.
    parents: dict[int, str] = {}
    shown: dict[str, str | None] = {}
    for line in tree.strip().splitlines():
        match = re.match(r"^([│ ├└─]*)(\w+)", line)
        assert match, line
        depth = len(match.group(1)) // 4
        name = match.group(2)
        parents[depth] = name
        shown[name] = parents.get(depth - 1) if depth else None
    assert set(shown) == exported_errors()
    for name, parent in shown.items():
        if parent is not None:
            assert parent in {base.__name__ for base in getattr(immich, name).__mro__[1:]}, name


def test_the_readme_table_names_every_exception() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Errors", 1)[1].split("\n## ", 1)[0]
    missing = {name for name in exported_errors() if not re.search(rf"\b{name}`", section)}
    assert missing == set()
