"""Everything the fake server knows, behind one lock: the loopback server answers requests
on several threads at once."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ._blobs import Blob, BlobStore
from ._queues import QueueBoard
from ._wire import new_id, utc_now

AVATAR_COLORS = (
    "primary",
    "pink",
    "red",
    "yellow",
    "blue",
    "green",
    "purple",
    "orange",
    "gray",
    "amber",
)


@dataclass(kw_only=True)
class User:
    id: str = field(default_factory=new_id)
    email: str
    name: str
    password: str
    is_admin: bool = False
    avatar_color: str = "primary"
    storage_label: str | None = None
    quota_size_in_bytes: int | None = None
    should_change_password: bool = False
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)


@dataclass(kw_only=True)
class ApiKey:
    id: str = field(default_factory=new_id)
    user_id: str
    name: str
    secret: str
    permissions: list[str] = field(default_factory=lambda: ["all"])
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)


@dataclass(kw_only=True)
class Session:
    id: str = field(default_factory=new_id)
    user_id: str
    token: str
    created_at: datetime = field(default_factory=utc_now)
    # What the login's headers said of the device (Immich: devicemodel, devicetype).
    device_type: str = ""
    device_os: str = ""
    # The sync protocol's checkpoints: entity type -> the last ack of it.
    checkpoints: dict[str, str] = field(default_factory=dict)
    is_pending_sync_reset: bool = False

    def reset_sync_progress(self) -> None:
        self.checkpoints.clear()
        self.is_pending_sync_reset = False


@dataclass(kw_only=True)
class Asset:
    id: str = field(default_factory=new_id)
    owner_id: str
    library_id: str | None = None
    original_file_name: str
    original_path: str
    mime_type: str
    type: str
    checksum: bytes
    blob: Blob
    file_created_at: datetime
    file_modified_at: datetime
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    is_favorite: bool = False
    visibility: str = "timeline"
    deleted_at: datetime | None = None
    is_offline: bool = False
    description: str = ""
    rating: int | None = None
    duration_ms: int | None = None
    # A live photo's still names its video, which Immich hides from the timeline.
    live_photo_video_id: str | None = None
    tag_ids: set[str] = field(default_factory=set)
    # What an external-library file looked like when last scanned: (size, mtime_ns).
    file_signature: tuple[int, int] | None = None
    # Set by the background jobs (see _processing): until the metadata job has run, the
    # asset shows no EXIF and the dates the upload gave; until the thumbnail job, no
    # thumbhash.
    metadata_extracted: bool = False
    local_date_time: datetime | None = None
    time_zone: str | None = None
    thumbhash: str | None = None
    stack_id: str | None = None

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None


@dataclass(kw_only=True)
class AlbumMember:
    user_id: str
    role: str


@dataclass(kw_only=True)
class Album:
    id: str = field(default_factory=new_id)
    owner_id: str
    name: str
    description: str = ""
    # A dict keeps insertion order, which is the album's order of addition.
    asset_ids: dict[str, None] = field(default_factory=dict)
    members: list[AlbumMember] = field(default_factory=list)
    thumbnail_asset_id: str | None = None
    is_activity_enabled: bool = True
    order: str = "desc"
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)

    def role_of(self, user_id: str) -> str | None:
        if user_id == self.owner_id:
            return "owner"
        return next((member.role for member in self.members if member.user_id == user_id), None)


@dataclass(kw_only=True)
class Tag:
    id: str = field(default_factory=new_id)
    user_id: str
    # The full path, e.g. "places/europe/paris"; the name is its last segment.
    value: str
    parent_id: str | None = None
    color: str | None = None
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)

    @property
    def name(self) -> str:
        return self.value.rsplit("/", 1)[-1]


@dataclass(kw_only=True)
class Stack:
    id: str = field(default_factory=new_id)
    owner_id: str
    primary_asset_id: str


@dataclass(kw_only=True)
class SharedLink:
    id: str = field(default_factory=new_id)
    user_id: str
    # base64url of 50 random bytes, as Immich makes them.
    key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    type: str  # "ALBUM" or "INDIVIDUAL"
    album_id: str | None = None
    # A dict keeps insertion order, the order the assets were added in.
    asset_ids: dict[str, None] = field(default_factory=dict)
    description: str | None = None
    password: str | None = None
    slug: str | None = None
    expires_at: datetime | None = None
    allow_upload: bool = True
    allow_download: bool = True
    show_metadata: bool = True
    created_at: datetime = field(default_factory=utc_now)

    def is_valid(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(kw_only=True)
class Library:
    id: str = field(default_factory=new_id)
    owner_id: str
    name: str
    import_paths: list[str] = field(default_factory=list)
    exclusion_patterns: list[str] = field(default_factory=list)
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    refreshed_at: datetime | None = None


class FakeState:
    def __init__(self, storage_dir: Path | None) -> None:
        # Reentrant so that helpers can be called both from routes (which hold it) and alone.
        self.lock = threading.RLock()
        self.started_at = utc_now()
        self.install_id = new_id()
        self.blobs = BlobStore(storage_dir)
        self.queues = QueueBoard()
        self.users: dict[str, User] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.sessions: dict[str, Session] = {}
        self.assets: dict[str, Asset] = {}
        self.albums: dict[str, Album] = {}
        self.tags: dict[str, Tag] = {}
        self.libraries: dict[str, Library] = {}
        self.stacks: dict[str, Stack] = {}
        self.shared_links: dict[str, SharedLink] = {}
        self._upload_checksums: dict[tuple[str, bytes], str] = {}
        from ._sync import SyncLog  # (it renders this module's records)

        self.sync = SyncLog()

    # Users and credentials

    def add_user(self, user: User) -> User:
        user.avatar_color = AVATAR_COLORS[len(self.users) % len(AVATAR_COLORS)]
        self.users[user.id] = user
        return user

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((user for user in self.users.values() if user.email.lower() == wanted), None)

    def api_key_by_secret(self, secret: str) -> ApiKey | None:
        return next((key for key in self.api_keys.values() if key.secret == secret), None)

    def session_by_token(self, token: str) -> Session | None:
        return next((item for item in self.sessions.values() if item.token == token), None)

    # Assets

    def add_asset(self, asset: Asset) -> Asset:
        self.assets[asset.id] = asset
        if asset.library_id is None:
            self._upload_checksums[(asset.owner_id, asset.checksum)] = asset.id
        return asset

    def upload_duplicate(self, owner_id: str, checksum: bytes) -> Asset | None:
        """The owner's uploaded (not library) asset with this checksum, trashed or not."""
        asset_id = self._upload_checksums.get((owner_id, checksum))
        return self.assets.get(asset_id) if asset_id else None

    def change_checksum(self, asset: Asset, checksum: bytes) -> None:
        if asset.library_id is None:
            self._upload_checksums.pop((asset.owner_id, asset.checksum), None)
            self._upload_checksums[(asset.owner_id, checksum)] = asset.id
        asset.checksum = checksum

    def remove_asset(self, asset: Asset) -> None:
        """Deletes for good: the record, its album, tag and stack links, and bytes the fake
        owns."""
        self.sync.asset_removed(self, asset)
        self.assets.pop(asset.id, None)
        self.leave_stack(asset)
        if self._upload_checksums.get((asset.owner_id, asset.checksum)) == asset.id:
            del self._upload_checksums[(asset.owner_id, asset.checksum)]
        for album in self.albums.values():
            album.asset_ids.pop(asset.id, None)
            if album.thumbnail_asset_id == asset.id:
                album.thumbnail_asset_id = next(iter(album.asset_ids), None)
        asset.blob.discard()

    def owned_assets(self, user_id: str) -> Iterator[Asset]:
        return (asset for asset in self.assets.values() if asset.owner_id == user_id)

    def can_read_asset(self, user: User, asset: Asset) -> bool:
        if asset.owner_id == user.id:
            return True
        return any(
            asset.id in album.asset_ids and album.role_of(user.id) is not None
            for album in self.albums.values()
        )

    def readable_asset(self, user: User, asset_id: str) -> Asset | None:
        asset = self.assets.get(asset_id)
        return asset if asset is not None and self.can_read_asset(user, asset) else None

    def owned_asset(self, user: User, asset_id: str) -> Asset | None:
        asset = self.assets.get(asset_id)
        return asset if asset is not None and asset.owner_id == user.id else None

    # Stacks

    def stack_members(self, stack: Stack) -> list[Asset]:
        """The stack's assets not deleted for good, the primary first."""
        members = [a for a in self.assets.values() if a.stack_id == stack.id]
        members.sort(key=lambda a: a.id != stack.primary_asset_id)
        return members

    def leave_stack(self, asset: Asset) -> None:
        """Takes an asset out of its stack; a stack of fewer than two, or without its
        primary, is dissolved (Immich deletes it with its primary asset)."""
        stack = self.stacks.get(asset.stack_id) if asset.stack_id else None
        asset.stack_id = None
        if stack is None:
            return
        if asset.id == stack.primary_asset_id or len(self.stack_members(stack)) < 2:
            self.dissolve_stack(stack)

    def dissolve_stack(self, stack: Stack) -> None:
        self.stacks.pop(stack.id, None)
        for member in self.assets.values():
            if member.stack_id == stack.id:
                member.stack_id = None

    # Albums

    def visible_albums(self, user: User) -> Iterator[Album]:
        return (album for album in self.albums.values() if album.role_of(user.id) is not None)

    def album_assets(self, album: Album) -> list[Asset]:
        return [self.assets[asset_id] for asset_id in album.asset_ids if asset_id in self.assets]

    # Tags

    def tag_by_value(self, user_id: str, value: str) -> Tag | None:
        return next(
            (tag for tag in self.tags.values() if tag.user_id == user_id and tag.value == value),
            None,
        )

    def remove_tag(self, tag: Tag) -> None:
        """Deletes the tag and, as Immich does, every tag beneath it."""
        doomed = {tag.id}
        doomed.update(
            other.id
            for other in self.tags.values()
            if other.user_id == tag.user_id and other.value.startswith(tag.value + "/")
        )
        for tag_id in doomed:
            self.tags.pop(tag_id, None)
        for asset in self.assets.values():
            asset.tag_ids -= doomed
