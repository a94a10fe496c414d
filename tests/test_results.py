"""Result objects: frozen, JSON-able, ``ok`` when nothing failed, short reprs; progress reports."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from IPython.lib.pretty import pretty

from immich._transfer.concurrency import StopFlag, Stopped
from immich._transfer.progress import Progress, ProgressFile, ProgressTracker
from immich._transfer.results import DownloadResult, MirrorResult, UploadLog, UploadResult
from immich._transfer.waiting import ProcessedAssets, WaitProgress
from immich.models import AssetResponseDto
from tests.helpers import asset_json


def test_upload_result_is_frozen_and_json_able() -> None:
    log = UploadLog()
    log.uploaded[Path("/a.jpg")] = "id-a"
    log.duplicates[Path("/b.jpg")] = "id-b"
    log.unsupported.append(Path("/c.txt"))
    log.add_bytes(10)
    result = log.result(albums={"Trip": "album-1"}, album_failures={}, elapsed=1.5, dry_run=False)
    assert result.ok
    data = json.loads(json.dumps(result.to_dict()))
    assert data["uploaded"] == {"/a.jpg": "id-a"}
    assert data["duplicates"] == {"/b.jpg": "id-b"}
    assert data["unsupported"] == ["/c.txt"]
    assert data["bytes_uploaded"] == 10
    assert data["ok"] is True
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.bytes_uploaded = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.uploaded[Path("/x")] = "y"  # type: ignore[index]
    # Later changes to the log do not leak into a result already made.
    log.uploaded[Path("/z.jpg")] = "id-z"
    assert Path("/z.jpg") not in result.uploaded


def test_failures_make_results_not_ok() -> None:
    assert not UploadResult(failed={Path("/a.jpg"): "boom"}).ok
    assert not UploadResult(album_failures={"Trip": "no permission"}).ok
    assert UploadResult(unsupported=(Path("/a.txt"),)).ok
    assert not DownloadResult(failed={"id": "gone"}).ok
    data = json.loads(json.dumps(DownloadResult(downloaded={"id": Path("/d/a.jpg")}).to_dict()))
    assert data["downloaded"] == {"id": "/d/a.jpg"}


def test_a_result_of_thousands_of_files_has_a_short_repr() -> None:
    # (What a notebook shows after `client.upload(folder)`.)
    result = UploadResult(
        uploaded={Path(f"/photos/{n}.jpg"): f"id-{n}" for n in range(3000)},
        failed={Path("/photos/big.mov"): "413: too large"},
        bytes_uploaded=123_456,
        elapsed=8.055345,
    )
    expected = (
        "UploadResult(uploaded=<3000 items>, failed={PosixPath('/photos/big.mov'): "
        "'413: too large'}, bytes_uploaded=123456, elapsed=8.06)"
    )
    assert repr(result) == expected.replace("PosixPath", type(Path()).__name__)
    assert pretty(result) == repr(result)


def test_a_results_repr_leaves_out_what_is_empty_and_shows_a_few_items_in_full() -> None:
    assert repr(UploadResult()) == "UploadResult()"
    assert repr(DownloadResult(failed={"a": "gone"}, elapsed=0.5)) == (
        "DownloadResult(failed={'a': 'gone'}, elapsed=0.5)"
    )
    mirrored = MirrorResult(
        downloaded={str(n): Path("x") for n in range(500)}, complete=True, events=1502
    )
    assert repr(mirrored) == "MirrorResult(downloaded=<500 items>, events=1502, complete=True)"


def test_processed_assets_repr_does_not_spell_out_every_asset() -> None:
    from immich import converter

    asset = converter.structure(asset_json(), AssetResponseDto)
    waited = ProcessedAssets(assets={str(n): asset for n in range(10)}, elapsed=3.0)
    assert repr(waited) == "ProcessedAssets(assets=<10 items>, elapsed=3.0)"
    progress = WaitProgress(what="queues", pending=3, elapsed=1.234)
    assert repr(progress) == "WaitProgress(what='queues', pending=3, elapsed=1.23)"


def test_tracker_reports_per_phase() -> None:
    seen: list[Progress] = []
    tracker = ProgressTracker(seen.append)
    tracker.start("upload", 2, 30)
    tracker.advance(nbytes=10)
    tracker.advance(files=1, nbytes=20, path=Path("a.jpg"))
    assert seen[-1] == Progress("upload", 1, 2, 30, 30, Path("a.jpg"))
    tracker.start("album", 1)
    assert seen[-1] == Progress("album", 0, 1, 0, 0)


def test_progress_file_counts_each_byte_once_and_stops_on_request(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"x" * 100)
    counted: list[int] = []
    stop = StopFlag()
    with ProgressFile(path, counted.append, stop) as file:
        assert file.read(60) == b"x" * 60
        file.seek(0)  # a retry sends it again
        file.read(100)
        assert sum(counted) == 100
        stop.set()
        with pytest.raises(Stopped):
            file.read(1)
