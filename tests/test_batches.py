"""Small files in zip archives: cutting them into batches, and taking entries by content."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from immich._transfer.batches import BATCH_BYTES, BATCH_FILES, batches, unpack


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()


def test_batches_keep_the_order_and_respect_both_limits() -> None:
    items = list(range(2 * BATCH_FILES + 1))
    cut = batches(items, lambda _: 1)
    assert [len(batch) for batch in cut] == [BATCH_FILES, BATCH_FILES, 1]
    assert [item for batch in cut for item in batch] == items

    big = BATCH_BYTES // 3 + 1
    assert [len(batch) for batch in batches(list(range(5)), lambda _: big)] == [2, 2, 1]
    # One item over the limit still travels, alone.
    assert batches([1, 2], lambda item: BATCH_BYTES * item) == [[1], [2]]
    assert batches([], lambda _: 1) == []


def test_entries_go_to_the_items_that_expect_their_bytes() -> None:
    a, b = b"first photo", b"second photo"
    wanted = {sha1(a): ["job-a"], sha1(b): ["job-b"]}
    archive = zipped(("x.jpg", b), ("y.jpg", a), ("z.jpg", b"nobody's"))
    assert sorted(unpack(archive, wanted, largest=100)) == [("job-a", a), ("job-b", b)]


def test_two_items_with_the_same_bytes_need_two_entries() -> None:
    same = b"the same bytes"
    archive = zipped(("a.jpg", same), ("a+1.jpg", same))
    found = list(unpack(archive, {sha1(same): ["one", "two"]}, largest=100))
    assert sorted(item for item, _ in found) == ["one", "two"]

    once = list(unpack(zipped(("a.jpg", same)), {sha1(same): ["one", "two"]}, largest=100))
    assert len(once) == 1


def test_entries_larger_than_any_item_are_not_read() -> None:
    large = b"x" * 1000
    assert list(unpack(zipped(("big.mov", large)), {sha1(large): ["job"]}, largest=999)) == []


def test_a_damaged_entry_is_skipped_and_not_a_zip_raises() -> None:
    good, bad = b"good bytes here", b"will be damaged"
    archive = bytearray(zipped(("good.jpg", good), ("bad.jpg", bad)))
    start = archive.index(bad)
    archive[start : start + 4] = b"XXXX"  # its CRC no longer fits
    found = list(unpack(bytes(archive), {sha1(good): ["g"], sha1(bad): ["b"]}, largest=100))
    assert found == [("g", good)]
    with pytest.raises(zipfile.BadZipFile):
        list(unpack(b"not a zip", {}, largest=100))
