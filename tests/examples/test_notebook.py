"""examples/quickstart.ipynb runs headless (nbclient + ipykernel) without a cell error.

The kernel finds IMMICH_URL and IMMICH_API_KEY in its environment, pointing at a
FakeImmich this test serves on loopback, seeded with dated photos. The outputs are
checked too: readable reprs (no ``UNSET``), no credentials, an inline thumbnail and a
plot.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from immich.testing import FakeImmich, tiny_jpeg
from tests.docs.seed import seed_server

nbformat = pytest.importorskip("nbformat", reason="the notebook dependency group")
nbclient = pytest.importorskip("nbclient", reason="the notebook dependency group")
pytest.importorskip("ipykernel", reason="the notebook dependency group")

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "quickstart.ipynb"


def _text(output: dict[str, Any]) -> str:
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/plain", ""))


def _execute(notebook: Any, tmp_path: Path) -> None:
    client = nbclient.NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell


def _outputs(notebook: Any) -> dict[str, str]:
    return {
        cell["id"]: "".join(_text(o) for o in cell.get("outputs", [])) for cell in notebook.cells
    }


@pytest.fixture(autouse=True)
def _kernel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IMMICH_URL", "IMMICH_API_KEY", "IMMICH_ACCESS_TOKEN", "IMMICH_INSTANCE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("IMMICH_LOG", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")


@pytest.fixture
def executed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Any, FakeImmich]:
    fake = FakeImmich()
    seed_server(fake)  # 2024-01 (1 photo) and 2024-02 (2 photos), in an album
    for day in (3, 17):
        taken = datetime(2024, 5, day, 12, 0, tzinfo=timezone.utc)
        fake.add_asset(tiny_jpeg(200 + day), filename=f"may-{day}.jpg", taken_at=taken)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with fake.serve() as url:
        monkeypatch.setenv("IMMICH_URL", url)
        monkeypatch.setenv("IMMICH_API_KEY", fake.api_key)
        _execute(notebook, tmp_path)
    return notebook, fake


def test_the_committed_notebook_is_clean() -> None:
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nbformat.validate(nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {cell['id']} has outputs: clear them"
            assert cell["execution_count"] is None


def test_the_notebook_runs_against_a_server(executed: tuple[Any, FakeImmich]) -> None:
    notebook, fake = executed
    cells = {cell["id"]: cell for cell in notebook.cells}
    outputs = _outputs(notebook)
    everything = "\n".join(outputs.values())

    assert "Using the Immich server at http://127.0.0.1:" in outputs["connect"]
    assert "auth='api_key'" in outputs["connect"]
    assert "Immich 3.0.3, signed in as Admin" in outputs["version"]
    assert "5 assets" in outputs["assets"]
    assert outputs["assets"].count("AssetResponseDto(") == 1
    assert "1 albums" in outputs["async"]
    assert "AssetStatsResponseDto(images=5" in outputs["async"]

    # Readable reprs, and no secret anywhere.
    assert "UNSET" not in everything
    assert fake.api_key not in everything
    assert fake.admin_password not in everything

    # The thumbnail and the plot are images in the outputs.
    # Immich makes thumbnails in WebP (previews in JPEG).
    thumbnail = [o for o in cells["thumbnail"].outputs if "image/webp" in o.get("data", {})]
    assert thumbnail, cells["thumbnail"].outputs
    plot = [o for o in cells["plot"].outputs if "image/png" in o.get("data", {})]
    assert plot, cells["plot"].outputs


def test_the_notebook_runs_on_the_built_in_fake(tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    _execute(notebook, tmp_path)
    outputs = _outputs(notebook)
    assert "IMMICH_URL is not set: using the built-in fake server" in outputs["connect"]
    assert "10 assets" in outputs["assets"]
    assert "UNSET" not in "\n".join(outputs.values())
