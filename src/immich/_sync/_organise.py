"""What an upload does once the files are on the server: stacks, waiting for the server
to process the assets, the dates they got, tags.

Order matters. Stacks need only the assets to exist. Tags are applied after the server
has processed an asset (read its metadata, made its thumbnails): Immich's metadata job
replaces an asset's tags with those in the file, and a tag edit queues a sidecar write
and a second metadata job, so an edit that overlaps those jobs can be lost. Each asset
is tagged once, with all its tags in one request, for the same reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from immich._errors import (
    AuthenticationError,
    ImmichError,
    QueuePausedError,
    WaitTimeoutError,
    failure_message,
)
from immich._transfer.concurrency import map_concurrently
from immich._transfer.media import Selection
from immich._transfer.name_dates import NameDate
from immich._transfer.progress import ProgressTracker
from immich._transfer.results import DateChoice, UploadLog
from immich._transfer.stacks import StackRule, plan_stacks
from immich._transfer.tagging import folder_tag
from immich._transfer.waiting import STEPS, WaitProgress, missing_steps

if TYPE_CHECKING:
    from immich._sync._client import Client
    from immich.models.asset_response_dto import AssetResponseDto

TAG_BATCH = 1000  # assets per bulk-tag request
_LOOKS = 8  # concurrent asset look-ups


@attrs.frozen
class Plan:
    """The steps an upload was asked for beyond uploading."""

    stack_rules: frozenset[StackRule] = frozenset()
    image_extensions: frozenset[str] = frozenset()
    tags: tuple[str, ...] = ()
    tags_from_folders: bool = False
    roots: tuple[Path, ...] = ()
    date_from_name: bool = False
    wait: bool = False
    wait_timeout: float | None = None

    @property
    def tagging(self) -> bool:
        return bool(self.tags) or self.tags_from_folders

    @property
    def active(self) -> bool:
        return bool(self.stack_rules) or self.tagging or self.date_from_name or self.wait


@attrs.define
class SentTimes:
    """The times an upload sent for a file, and the name's date among them."""

    created: datetime
    modified: datetime
    name_date: NameDate | None = None

    @property
    def fallback(self) -> datetime:
        """The date Immich gives a file without a date inside: the earlier of the two."""
        return min(self.created, self.modified)


def organise(
    client: Client,
    plan: Plan,
    selection: Selection,
    log: UploadLog,
    trashed: set[Path],
    sent: Mapping[Path, SentTimes],
    tracker: ProgressTracker,
) -> dict[str, Any]:
    """Stacks, waiting, dates and tags, as ``plan`` says; returns the result's fields."""
    out: dict[str, Any] = {}
    # Every file's asset: new, or the server's copy (unless that is in the trash, and on
    # its way out). A live photo's video is part of its still: no stack, no tag of its own.
    assets: dict[Path, str] = {}
    stills: list[Path] = []
    for group in selection.groups:
        for position, item in enumerate(group.items):
            asset_id = log.uploaded.get(item.path)
            if asset_id is None and item.path not in trashed:
                asset_id = log.duplicates.get(item.path)
            if asset_id is None:
                continue
            assets[item.path] = asset_id
            if not (group.is_live_photo and position == 0):
                stills.append(item.path)

    if plan.stack_rules:
        images = [p for p in stills if p.suffix.lower() in plan.image_extensions]
        planned = plan_stacks(images, plan.stack_rules)
        out["stacks"], out["stack_failures"] = _make_stacks(
            client, planned, assets, set(log.uploaded), tracker
        )

    wanted_tags: dict[Path, tuple[str, ...]] = {}
    if plan.tagging:
        for path in stills:
            values = list(plan.tags)
            if plan.tags_from_folders:
                tag = folder_tag(path, list(plan.roots))
                if tag is not None:
                    values.append(tag)
            if values:
                wanted_tags[path] = tuple(dict.fromkeys(values))

    # Wait for the server: for everything when asked; else for what is tagged (fully
    # processed) and what needs its date told (its metadata read).
    waited: dict[Path, str] = {}
    if plan.wait:
        waited = dict(assets)
    else:
        waited = {path: assets[path] for path in wanted_tags}
        if plan.date_from_name:
            waited.update((p, a) for p, a in assets.items() if p in log.uploaded)
    thumbnails = plan.wait or bool(wanted_tags)
    done: dict[str, AssetResponseDto] = {}
    unprocessed: dict[Path, str] = {}
    if waited:
        done, unfinished = _wait_for(
            client, list(dict.fromkeys(waited.values())), thumbnails, plan.wait_timeout, tracker
        )
        for path, asset_id in waited.items():
            if asset_id in unfinished:
                unprocessed[path] = unfinished[asset_id]
        out["unprocessed"] = unprocessed

    if plan.date_from_name:
        out["dates"] = {
            path: _date_choice(done[asset_id], sent[path])
            for path, asset_id in assets.items()
            if path in log.uploaded and asset_id in done and path in sent
        }

    if wanted_tags:
        out["tags"], out["tag_failures"] = _tag(
            client, wanted_tags, assets, unprocessed, done, tracker
        )
    return out


def _make_stacks(
    client: Client,
    planned: list[tuple[Path, ...]],
    assets: Mapping[Path, str],
    uploaded: set[Path],
    tracker: ProgressTracker,
) -> tuple[dict[str, tuple[Path, ...]], dict[Path, str]]:
    """One stack per group, the top first. A group of files that were all on the server
    already, and already share a stack, is left as it is (whichever is on top)."""
    made: dict[str, tuple[Path, ...]] = {}
    failures: dict[Path, str] = {}
    tracker.start("stack", len(planned))
    for group in planned:
        ids = list(dict.fromkeys(assets[path] for path in group))
        if len(ids) < 2:  # identical files: one asset
            tracker.advance(files=1)
            continue
        try:
            existing = None
            if not any(path in uploaded for path in group):
                existing = _shared_stack(client, ids)
            if existing is not None:
                made[existing] = group
            else:
                stack = client.stacks.create_stack(asset_ids=ids)
                made[stack.id] = group
        except AuthenticationError:
            raise
        except ImmichError as exc:
            failures[group[0]] = failure_message(exc)
        tracker.advance(files=1)
    return made, failures


def _shared_stack(client: Client, ids: list[str]) -> str | None:
    """The stack all these assets are in, if they are in one."""
    stacks = set()
    for asset_id in ids:
        stack = (client.assets.get_asset_info(asset_id)).stack
        stacks.add(getattr(stack, "id", None))
    only = stacks.pop() if len(stacks) == 1 else None
    return only if isinstance(only, str) else None


def _wait_for(
    client: Client,
    asset_ids: list[str],
    thumbnails: bool,
    timeout: float | None,
    tracker: ProgressTracker,
) -> tuple[dict[str, AssetResponseDto], dict[str, str]]:
    """The processed assets, and why the others are not (timed out, or given up on)."""
    tracker.start("process", len(asset_ids))
    seen = 0

    def progress(event: WaitProgress) -> None:
        nonlocal seen
        finished = (event.total or 0) - event.pending  # processed, or given up on
        if finished > seen:
            tracker.advance(files=finished - seen)
            seen = finished

    try:
        result = client.wait.for_assets(
            asset_ids, thumbnails=thumbnails, timeout=timeout, progress=progress
        )
    except WaitTimeoutError as exc:
        late = {
            asset_id: f"still being processed after {exc.waited:.0f} s" for asset_id in exc.pending
        }
        ready = [asset_id for asset_id in asset_ids if asset_id not in late]
        found = _look_up(client, ready)
        return found, late
    except QueuePausedError as exc:
        # The upload's result matters more than the wait: say which files wait in it.
        found = _look_up(client, asset_ids)
        steps = STEPS if thumbnails else ("metadata",)
        done = {i: a for i, a in found.items() if not missing_steps(a, steps)}
        held = {i: str(exc) for i in asset_ids if i not in done}
        return done, held
    return dict(result.assets), dict(result.unfinished)


def _look_up(client: Client, asset_ids: Iterable[str]) -> dict[str, AssetResponseDto]:
    found: dict[str, AssetResponseDto] = {}

    def look(asset_id: str) -> None:
        with contextlib.suppress(ImmichError):  # gone since: nothing to tell
            found[asset_id] = client.assets.get_asset_info(asset_id)

    map_concurrently(look, list(asset_ids), _LOOKS)
    return found


def _date_choice(asset: AssetResponseDto, sent: SentTimes) -> DateChoice:
    """Which rule gave the asset its date: Immich took the file's own metadata unless
    the date it kept is the fallback the upload offered (the name's date, or the file's
    earlier time)."""
    from immich._core.types import Unset

    taken = asset.local_date_time
    exif = asset.exif_info
    original = None if isinstance(exif, Unset) else exif.date_time_original
    if not isinstance(original, datetime) or abs(original - sent.fallback) < timedelta(seconds=1):
        if sent.name_date is not None:
            return DateChoice(taken, "name", sent.name_date.rule)
        return DateChoice(taken, "file")
    return DateChoice(taken, "exif")


def _tag(
    client: Client,
    wanted: Mapping[Path, tuple[str, ...]],
    assets: Mapping[Path, str],
    unprocessed: Mapping[Path, str],
    done: Mapping[str, AssetResponseDto],
    tracker: ProgressTracker,
) -> tuple[dict[Path, tuple[str, ...]], dict[Path, str]]:
    """Tag each processed asset once, in one request for all assets with the same tags."""
    tagged: dict[Path, tuple[str, ...]] = {}
    failures: dict[Path, str] = {}
    ready: dict[Path, tuple[str, ...]] = {}
    for path, values in wanted.items():
        if path in unprocessed:
            failures[path] = f"not tagged: the server had not processed it ({unprocessed[path]})"
        elif assets[path] in done:
            ready[path] = values
    tracker.start("tag", len(ready))
    if not ready:
        return tagged, failures
    names = sorted({value for tags in ready.values() for value in tags})
    try:
        made = client.tags.upsert_tags(tags=names)
    except AuthenticationError:
        raise
    except ImmichError as exc:
        message = f"tags could not be made: {failure_message(exc)}"
        return tagged, {**failures, **dict.fromkeys(ready, message)}
    # In the order asked (Immich answers so); the values match too.
    ids = {value: tag.id for value, tag in zip(names, made, strict=False)}
    ids.update((tag.value, tag.id) for tag in made if tag.value not in ids)
    by_tags: dict[tuple[str, ...], list[Path]] = {}
    for path, tags in ready.items():
        by_tags.setdefault(tuple(sorted(tags)), []).append(path)
    for tags, paths in by_tags.items():
        tag_ids = sorted({ids[value] for value in tags})
        for start in range(0, len(paths), TAG_BATCH):
            batch = paths[start : start + TAG_BATCH]
            asset_ids = list(dict.fromkeys(assets[path] for path in batch))
            try:
                client.tags.bulk_tag_assets(tag_ids=tag_ids, asset_ids=asset_ids)
            except AuthenticationError:
                raise
            except ImmichError as exc:
                failures.update(dict.fromkeys(batch, failure_message(exc)))
            else:
                tagged.update((path, ready[path]) for path in batch)
            tracker.advance(files=len(batch))
    return tagged, failures
