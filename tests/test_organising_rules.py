"""The rules an upload organises by, without a server: dates in names, stacks, folder
tags; and the pacing of waits."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from immich._transfer.name_dates import date_from_name
from immich._transfer.stacks import burst_key, plan_stacks, stack_rules
from immich._transfer.tagging import folder_roots, folder_tag, tag_value, tag_values
from immich._transfer.waiting import Backoff, describe_pending_assets, find_manual_job, find_queue

NOW = datetime(2026, 1, 1)


@pytest.mark.parametrize(
    ("name", "taken", "rule"),
    [
        ("IMG_20240501_102030.jpg", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("VID_20240501_102030.mp4", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("PXL_20240501_102030123.jpg", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("PXL_20240501_102030123.RAW-01.COVER.jpg", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("20240501_102030.heic", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("20240501102030.jpg", datetime(2024, 5, 1, 10, 20, 30), "date-time"),
        ("2024-05-01 10.20.30.jpg", datetime(2024, 5, 1, 10, 20, 30), "dashed"),
        ("2024-05-01_10-20-30.png", datetime(2024, 5, 1, 10, 20, 30), "dashed"),
        ("Screenshot 2024-05-01 at 10.20.30.png", datetime(2024, 5, 1, 10, 20, 30), "dashed"),
        (
            "Screenshot_2024-05-01-10-20-30-123_com.x.jpg",
            datetime(2024, 5, 1, 10, 20, 30),
            "dashed",
        ),
        ("IMG-20230102-WA0007.jpg", datetime(2023, 1, 2), "whatsapp"),
        ("VID-20230102-WA0001.mp4", datetime(2023, 1, 2), "whatsapp"),
    ],
)
def test_dates_in_names(name: str, taken: datetime, rule: str) -> None:
    found = date_from_name(name, now=NOW)
    assert found is not None
    assert (found.taken, found.rule) == (taken, rule)


@pytest.mark.parametrize(
    "name",
    [
        "IMG_1234.jpg",
        "DSC_20241301_102030.jpg",  # month 13
        "IMG_20240501_256030.jpg",  # 25 o'clock
        "IMG_18800501_102030.jpg",  # before cameras of this kind
        "IMG_20280501_102030.jpg",  # after next year
        "photo 123456789012345.jpg",
        "IMG-20231302-WA0001.jpg",
    ],
)
def test_names_without_dates(name: str) -> None:
    assert date_from_name(name, now=NOW) is None


def test_stack_rules() -> None:
    assert stack_rules(False) == frozenset()
    assert stack_rules(True) == {"raw"}
    assert stack_rules("burst") == {"burst"}
    assert stack_rules(["burst", "raw"]) == {"raw", "burst"}
    with pytest.raises(ValueError, match="unknown stack rule"):
        stack_rules(["raw", "live"])


def test_raw_stacks_put_the_jpeg_on_top() -> None:
    files = [
        Path("/p/IMG_1.CR2"),
        Path("/p/img_1.jpg"),
        Path("/p/IMG_1.HEIC"),
        Path("/p/IMG_2.NEF"),
        Path("/p/IMG_2.heif"),
        Path("/p/IMG_3.DNG"),
        Path("/p/IMG_3.ARW"),  # two RAWs, nothing developed: no stack
        Path("/q/IMG_1.CR2"),  # another folder
        Path("/p/IMG_4.jpg"),
        Path("/p/IMG_4.png"),  # no RAW: no stack
    ]
    assert sorted(plan_stacks(files, {"raw"})) == sorted(
        [
            (Path("/p/img_1.jpg"), Path("/p/IMG_1.HEIC"), Path("/p/IMG_1.CR2")),
            (Path("/p/IMG_2.heif"), Path("/p/IMG_2.NEF")),
        ]
    )
    assert plan_stacks(files, set()) == []


def test_bursts() -> None:
    pixel = [
        Path("/c/00001IMG_00001_BURST20240501102030.jpg"),
        Path("/c/00000IMG_00000_BURST20240501102030_COVER.jpg"),
    ]
    samsung = [Path("/c/20240601_120000_Burst02.jpg"), Path("/c/20240601_120000_Burst01.jpg")]
    series = [Path("/c/20240601_130000_002.jpg"), Path("/c/20240601_130000_001.jpg")]
    lone = [Path("/c/00000IMG_00000_BURST20990101000000.jpg"), Path("/c/IMG_0001.jpg")]
    raw = Path("/c/20240601_120000_Burst01.dng")
    stacks = plan_stacks([*pixel, *samsung, *series, *lone, raw], {"burst"})
    assert sorted(stacks) == sorted(
        [
            (pixel[1], pixel[0]),  # the cover on top
            (samsung[1], samsung[0], raw),  # the first frame; its RAW comes along
            (series[1], series[0]),
        ]
    )
    assert burst_key(Path("IMG_0001.jpg")) is None
    assert burst_key(pixel[0]) == burst_key(pixel[1]) == "BURST20240501102030"


def test_folder_tags(tmp_path: Path) -> None:
    pictures = tmp_path / "Pictures"
    (pictures / "Trips" / "Rome").mkdir(parents=True)
    roots = folder_roots([pictures, pictures / "Trips", tmp_path / "missing.jpg"])
    assert roots == [pictures / "Trips", pictures]  # the deepest first
    photo = pictures / "Trips" / "Rome" / "x.jpg"
    assert folder_tag(photo, [pictures]) == "Trips/Rome"
    assert folder_tag(photo, roots) == "Rome"
    assert folder_tag(pictures / "x.jpg", [pictures]) is None
    assert folder_tag(tmp_path / "elsewhere" / "x.jpg", [pictures]) is None


def test_tag_values() -> None:
    assert tag_value(" Trips / Rome/ ") == "Trips/Rome"
    assert tag_value("a\\b") == "a/b"
    assert tag_values("single") == ("single",)
    assert tag_values(["a", "a/", "b"]) == ("a", "b")
    with pytest.raises(ValueError, match="not a tag"):
        tag_value("//")


def test_backoff_grows_and_stops_at_the_deadline() -> None:
    now = [0.0]
    backoff = Backoff(timeout=10, initial=1, maximum=4, factor=2, clock=lambda: now[0])
    assert [backoff.delay() for _ in range(4)] == [1, 2, 4, 4]
    backoff.reset()
    assert backoff.delay() == 1
    now[0] = 9.5
    assert backoff.delay() == 0.5  # never past the deadline
    assert not backoff.expired()
    now[0] = 10
    assert backoff.expired()
    assert Backoff(timeout=None).expired() is False
    with pytest.raises(ValueError, match="timeout must be 0 or more"):
        Backoff(timeout=-1)


def test_names_as_typed() -> None:
    assert find_queue("thumbnail-generation").value == "thumbnailGeneration"
    assert find_queue("SMART_SEARCH").value == "smartSearch"
    assert find_queue("nope") is None
    assert find_manual_job("tag_cleanup").value == "tag-cleanup"


def test_pending_assets_described() -> None:
    pending = {f"id{i}": ("thumbnails",) for i in range(7)}
    pending["m"] = ("metadata", "thumbnails")
    text = describe_pending_assets(pending, {"id0": "a.jpg", "m": "m.jpg"}, limit=2)
    assert text == "8 assets (thumbnails: a.jpg, id1 and 5 more; metadata: m.jpg)"
