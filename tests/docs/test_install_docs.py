"""The install instructions name this SDK's distribution, not the unrelated ``immich``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# "pip install immich" or "immich[cli]" as a distribution: another project on PyPI.
WRONG = re.compile(r"pip install [\"']?immich(?![-\w/])|(?<![-\w/.])immich\[")
# ...except where the docs warn against it.
WARNING = "does not install"


def documents() -> list[Path]:
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "examples").iterdir()),
        *sorted((ROOT / "src" / "immich").rglob("*.py")),
    ]


def test_the_distribution_is_immich_sdk() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^\[project\][^\[]*^name = "immich-sdk"$', pyproject, re.M | re.S)


def test_no_document_installs_the_other_immich() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in documents()
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRONG.search(line) and WARNING not in line
    ]
    assert not wrong, "\n".join(wrong)


def test_the_readme_says_how_to_install_before_it_is_published() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "immich-sdk" in readme
    assert "pip wheel" in readme
    assert "pip install immich` does not install" in readme
