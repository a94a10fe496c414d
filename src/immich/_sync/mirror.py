"""``mirror``: an incremental, verified local copy of a user's library, by the sync protocol.

The first run lists the whole library through the server's sync stream (the protocol
Immich's mobile app uses) and downloads every original; later runs read only the changes
since the last acknowledged checkpoint. Everything the mirror knows lives in it
(``DEST/.immich-mirror/state.db``, see :mod:`immich._transfer.mirror_state`): the
stream's changes are committed there before they are acknowledged, files are recorded as
they land, and what landed after the last commit is found again by its SHA-1. A run
stopped at any point, and run again, loses nothing and downloads nothing twice.

The mirror's folder::

    DEST/2024/05/IMG_0001.jpg          the original (the layout decides where)
    DEST/2024/05/IMG_0001.jpg.json     its sidecar: dates, EXIF, description, favourite,
                                       rating, visibility, tags, albums
    DEST/albums/Trip.json              an album: its data and its assets' files
    DEST/albums/Trip/                  with album_links: links to those files
    DEST/.trash/...                    with prune: what the server trashed or deleted
    DEST/.immich-mirror/               the state (and the mirror's session token)
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from immich._core import json_codec
from immich._core import operations as ops
from immich._errors import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ImmichError,
    IncompleteDownloadError,
    NotFoundError,
    PermissionDeniedError,
)
from immich._sync.download import Wanted, _Downloader, _visibilities
from immich._transfer.concurrency import (
    default_concurrency,
    map_concurrently,
    to_thread,
)
from immich._transfer.files import LocalFile
from immich._transfer.hash_cache import from_server, open_hash_cache, sha1_file, to_base64
from immich._transfer.layout import Layout, numbered_names
from immich._transfer.mirror_state import STATE_DIR, AssetRow, MirrorState
from immich._transfer.paths import numbered, safe_filename
from immich._transfer.progress import ProgressCallback, ProgressTracker
from immich._transfer.results import DownloadLog, MirrorResult
from immich._transfer.writer import BackgroundWriter
from immich.models.login_credential_dto import LoginCredentialDto
from immich.models.login_response_dto import LoginResponseDto

if TYPE_CHECKING:
    from immich._sync._client import Client

#: What a mirror streams on Immich 3.x, and on 2.x (which has the V1 asset and album
#: types only; 3.0 refuses AssetsV1 as deprecated).
TYPES_V3 = ("AssetsV2", "AlbumsV2", "AlbumToAssetsV1", "AssetExifsV1")
TYPES_V2 = ("AssetsV1", "AlbumsV1", "AlbumToAssetsV1", "AssetExifsV1")
DEFAULT_LAYOUT = "{yyyy}/{mm}"
TRASH = ".trash"
ALBUMS = "albums"
SIDECAR = ".json"
FORMAT = 1  # of the sidecars and album manifests
#: How the mirror's session shows in Immich (Account Settings > Authorized Devices).
DEVICE = "Immich SDK mirror"
#: Up to this many assets' tags are read one by one; beyond, tagged ones are found first.
_TAGS_ONE_BY_ONE = 50
_PAGE = 1000

NO_SESSION = (
    "a mirror needs a login session of its own: the server's sync protocol refuses API keys "
    "(403). Give the user's email and password (`immich mirror DEST --email EMAIL`, or "
    "email= and password=): "
    "the mirror signs in once and keeps its session in {state}, for later runs. Or pass a "
    "client that signed in with client.login()."
)


def mirror(
    client: Client,
    destination: str | os.PathLike[str],
    *,
    email: str | None = None,
    password: str | None = None,
    layout: str | None = None,
    prune: bool = False,
    album_links: bool = False,
    verify: bool = False,
    full: bool = False,
    dry_run: bool = False,
    concurrency: int | None = None,
    progress: ProgressCallback | None = None,
    hash_cache: bool | str | os.PathLike[str] = True,
) -> MirrorResult:
    """Mirror the user's library into the folder ``destination``.

    The first run downloads every original (verified by SHA-1), writes a JSON sidecar
    next to each (dates, EXIF, description, favourite, rating, visibility, tags, albums)
    and a manifest per album in ``albums/``. Later runs apply only what changed since the
    last run: new and replaced files downloaded, sidecars and albums rewritten, trashed
    and deleted assets handled by ``prune``. Nothing in the mirror is ever deleted: files
    are only added, or moved into ``.trash/``.

    Args:
        client: The client; its server is the one mirrored.
        destination: The mirror's folder (created if missing).
        email: With ``password``: the user to sign in as. The sync protocol needs a login
            session (the server refuses API keys); the mirror keeps its own, made on the
            first run, in its state, and needs the password again only if that session
            is revoked. Without them, a ``client`` signed in with ``client.login()``
            lends its session.
        password: The user's password.
        layout: Where files go: ``"{yyyy}/{mm}"`` (the default) sorts them into year and
            month folders; ``"{original}"`` keeps them side by side (see
            :mod:`immich._transfer.layout`; ``{album}`` is not for mirrors: albums are
            manifests). Fixed once the mirror holds files.
        prune: Move the files of assets the server trashed or deleted (and their sidecars)
            into ``.trash/`` in the mirror, and back when restored. By default they stay
            where they are, their sidecars saying so.
        album_links: Also keep a folder of links per album (``albums/<name>/``) to its files.
        verify: Read every file of the mirror again and compare its SHA-1 with the
            server's; download again what differs. (Missing files are always noticed.)
        full: List the whole library again rather than the changes (what is already
            there is not downloaded again).
        dry_run: Report what a run would do and change nothing (neither the mirror nor
            what the server knows of it).
        concurrency: Parallel downloads; default ``min(8, 2 x CPUs)``.
        progress: Called with a :class:`~immich._transfer.progress.Progress` as work
            advances (phases ``"sync"``, then ``"download"``).
        hash_cache: Where the SHA-1 of files is remembered (see :func:`upload`).
    """
    started = time.monotonic()
    workers = default_concurrency() if concurrency is None else concurrency
    if workers < 1:
        raise ValueError("concurrency must be at least 1")
    if (email is None) != (password is None):
        raise ValueError("give both email and password, or neither")
    # Resolved, as the downloader names files (a relative path or a link to a NAS is
    # where it leads).
    root = to_thread(Path(destination).resolve)
    if not dry_run:
        to_thread(functools.partial(root.mkdir, parents=True, exist_ok=True))
    state = to_thread(functools.partial(MirrorState.open, root, dry_run=dry_run))
    session: _Session | None = None
    try:
        plan = _layout(state, layout)
        session = _Session.connect(client, state, root, email, password)
        run = _Run(
            session.client,
            state,
            root,
            plan,
            ProgressTracker(progress),
            prune=prune,
            album_links=album_links,
            dry_run=dry_run,
            workers=workers,
            hash_cache=hash_cache,
            notes=session.notes,
        )
        run.run(full=full or session.renewed, fresh=session.renewed, verify=verify)
        counts = state.counts()
    finally:
        to_thread(state.close)
        if session is not None:
            session.close()
    return run.result(time.monotonic() - started, counts)


def _layout(state: MirrorState, given: str | None) -> Layout:
    stored = state.get("layout")
    template = given or stored or DEFAULT_LAYOUT
    plan = Layout(template)
    if plan.uses_album:
        raise ValueError(
            "a mirror's layout cannot use {album}: an asset may be in several albums or "
            "none, and move between them; albums are manifests in albums/ (and folders "
            "of links with album_links)"
        )
    # (A run that failed before downloading anything, say without credentials, fixes nothing.)
    if stored is not None and plan.template != Layout(stored).template and state.holds_files():
        raise ValueError(
            f"this mirror's layout is {stored!r} (fixed by its first files); they do not "
            f"move to {template!r}: mirror into another folder for another layout"
        )
    state.set("layout", plan.template)
    return plan


class _Session:
    """The mirror's own login session: its checkpoints on the server are the mirror's."""

    def __init__(self, client: Client, *, renewed: bool, temporary: bool, notes: list[str]) -> None:
        self.client = client
        #: A session other than the one the mirror's checkpoints belong to.
        self.renewed = renewed
        #: Made for this (dry) run only: signed out at the end.
        self.temporary = temporary
        self.notes = notes

    @classmethod
    def connect(
        cls,
        client: Client,
        state: MirrorState,
        root: Path,
        email: str | None,
        password: str | None,
    ) -> _Session:
        notes = []
        stored = state.get("session_token")
        if stored:
            candidate = client._with_session(stored, "the mirror's session")
            try:
                me = candidate.users.get_my_user()
            except AuthenticationError:
                notes.append(
                    "the mirror's session was refused (signed out, revoked or expired): "
                    "it signs in again, and lists the library again to catch up"
                )
            else:
                _check_user(state, root, me.id, me.email)
                return cls(candidate, renewed=False, temporary=False, notes=notes)
        token: str | None
        if email is not None and password is not None:
            login = _login(client, email, password)
            token = login.access_token
            session_client = client._with_session(token, "the mirror's session")
            user_id, user_email = login.user_id, login.user_email
        else:
            token = client._session_token()
            if token is None:
                message = NO_SESSION.format(state=root / STATE_DIR)
                if stored:
                    message = f"{notes[0]}; {message}"
                raise ConfigurationError(message)
            session_client = client._with_session(token, "the client's session")
            me = session_client.users.get_my_user()
            user_id, user_email = me.id, me.email
        _check_user(state, root, user_id, user_email)
        if not state.dry_run:
            state.set("session_token", token)
        state.set("user_id", user_id)
        state.set("user_email", user_email)
        state.set("server_url", str(client.base_url))
        temporary = state.dry_run and email is not None
        return cls(session_client, renewed=True, temporary=temporary, notes=notes)

    def close(self) -> None:
        if self.temporary:
            with contextlib.suppress(ImmichError):  # (it would expire unused)
                self.client.auth.logout()


def _login(client: Client, email: str, password: str) -> LoginResponseDto:
    """A session named after the mirror and the machine (what the user sees in Immich's
    list of devices: the server reads these headers when the user agent says nothing)."""
    answer: LoginResponseDto = client.request(
        ops.LOGIN,
        body=LoginCredentialDto(email=email, password=password),
        headers={"devicemodel": DEVICE, "devicetype": platform.node() or "unknown"},
        response_type=LoginResponseDto,
    )
    return answer


def _check_user(state: MirrorState, root: Path, user_id: str, email: str) -> None:
    known = state.get("user_id")
    if known is not None and known != user_id:
        raise ConfigurationError(
            f"{root} mirrors the library of {state.get('user_email')}; these credentials are "
            f"{email}'s: mirror another user into another folder"
        )


class _Run:
    def __init__(
        self,
        client: Client,
        state: MirrorState,
        root: Path,
        layout: Layout,
        tracker: ProgressTracker,
        *,
        prune: bool,
        album_links: bool,
        dry_run: bool,
        workers: int,
        hash_cache: bool | str | os.PathLike[str],
        notes: list[str],
    ) -> None:
        self.client = client
        self.state = state
        self.root = root
        self.layout = layout
        self.tracker = tracker
        self.prune = prune
        self.album_links = album_links
        self.dry_run = dry_run
        self.workers = workers
        self.hash_cache = hash_cache
        self.notes = notes
        self.acks: dict[str, str] = {}
        self.events = 0
        self.complete = False
        self.full = False
        self.deleted: list[str] = []
        self.downloads = DownloadLog()
        self.updated: list[str] = []
        self.trashed: dict[str, Path] = {}
        self.restored: dict[str, Path] = {}
        self.locked: list[str] = []
        self.albums = 0
        self.albums_deleted = 0
        self.would_download: list[str] = []
        self._fetching: dict[str, AssetRow] = {}
        # What a file's path below the mirror starts with (the downloader's are root/...).
        self._root_prefix = str(root) + os.sep
        self._albums: dict[str, list[dict[str, Any]]] = {}
        self._writer: BackgroundWriter | None = None

    def run(self, *, full: bool, fresh: bool, verify: bool) -> None:
        """``fresh``: the session is new (the server holds no checkpoint of it)."""
        self.sync(full, fresh)
        if self.full and not self.complete and self.events == 0:
            return  # (the dry run of a mirror the server wants listed again)
        self.read_tags()
        self.check_files(verify)
        self.download()
        to_thread(self.apply_policy)
        to_thread(self.write_sidecars)
        to_thread(self.write_albums)
        self.state.commit()
        if self.complete and not self.dry_run and self.acks:
            # Only what is committed is acknowledged: a run stopped before this point
            # reads the same changes again, and applies them again to the same effect.
            self.client.sync.ack(list(self.acks.values()))
            self.state.set("acked", "1")
            self.state.commit()

    # -- reading the server's changes ----------------------------------------------

    def sync(self, full: bool, fresh: bool) -> None:
        server = self.client.server_version()
        types = TYPES_V3 if server >= (3, 0, 0) else TYPES_V2
        state = self.state
        if state.is_new or state.get("full_pending") == "1":
            full = True
        elif not full and state.get("acked"):
            # Checkpoints the server lost (a reset by an administrator, a session
            # replaced): the changes since cannot be had, only everything.
            acks = self.client.sync.get_sync_ack()
            if not any(str(a.type) == "SyncCompleteV1" for a in acks):
                full = True
                self.notes.append("the server has no checkpoint of this mirror's session")
        for _ in range(2):
            generation = state.generation + 1 if full else state.generation
            if full:
                state.set("generation", str(generation))
                state.set("full_pending", "1")
            # A dry run does not reset the session's checkpoints (that would change what
            # the server knows of the mirror): it lists everything only when the session
            # has none (a first run, a new session).
            reset = full and not self.dry_run
            self.full = full and (reset or fresh or not state.get("acked"))
            if full and not self.full:
                self.notes.append(
                    "a dry run does not reset the server's checkpoints: it shows the changes "
                    "since the last run, not a full listing"
                )
            outcome = self._ingest(types, reset=reset, generation=generation)
            if outcome != "reset":
                break
            # SyncResetV1: the server wants this session to start over (after an
            # upgrade, or 30 days without a complete sync): list everything again.
            self.notes.append("the server asked for a full listing (SyncResetV1)")
            if self.dry_run:
                return
            full = True
        if self.complete and self.full:
            self.deleted.extend(state.sweep(generation))
            state.set("full_pending", "0")
        state.commit()

    def _ingest(self, types: Iterable[str], *, reset: bool, generation: int) -> str:
        self.tracker.start("sync", 0)
        try:
            for event in self.client.sync.stream(types, reset=reset):
                if str(event.type) == "SyncResetV1":
                    return "reset"
                self._apply(str(event.type), event.raw, generation)
                self.acks[event.ack.partition("|")[0]] = event.ack
                self.events += 1
                self.tracker.advance(files=1)
        except IncompleteDownloadError as exc:
            # What arrived is applied (and downloaded); nothing is acknowledged.
            self.notes.append(f"the server's stream broke off after {self.events} changes: {exc}")
        if not self.complete:
            self.notes.append(
                "the server's stream ended before SyncCompleteV1: what arrived is in the "
                "mirror, nothing was acknowledged, the next run reads it again"
            )
        return "done"

    def _apply(self, kind: str, data: Mapping[str, Any], generation: int) -> None:
        state = self.state
        if kind in ("AssetV1", "AssetV2"):
            state.upsert_asset(data, generation)
        elif kind == "AssetDeleteV1":
            if state.remove_asset(data["assetId"]):
                self.deleted.append(data["assetId"])
        elif kind == "AssetExifV1":
            state.upsert_exif(data)
        elif kind in ("AlbumV1", "AlbumV2"):
            state.upsert_album(data, generation)
        elif kind == "AlbumDeleteV1":
            state.remove_album(data["albumId"])
        elif kind in ("AlbumToAssetV1", "AlbumToAssetBackfillV1"):
            state.add_to_album(data["albumId"], data["assetId"], generation)
        elif kind == "AlbumToAssetDeleteV1":
            state.remove_from_album(data["albumId"], data["assetId"])
        elif kind == "SyncCompleteV1":
            self.complete = True
        # Anything else (SyncAckV1, a type a newer server adds) only moves a checkpoint.

    def read_tags(self) -> None:
        """Tags are not in the stream; an asset's EXIF row changes with them, so the
        assets whose EXIF changed have their tags read (only if the user has any)."""
        stale = set(self.state.stale_tags())
        if not stale:
            return
        tags = self.client.tags.get_all_tags()
        if not tags:
            self.state.set_no_tags(stale)
            return
        wanted = stale
        if len(stale) > _TAGS_ONE_BY_ONE:
            tagged: set[str] = set()
            visibilities = _visibilities(self.client)
            for tag in tags:
                for visibility in visibilities:
                    for asset in self.client.search.iter_assets(
                        tag_ids=[tag.id], with_deleted=True, size=_PAGE, visibility=visibility
                    ):
                        tagged.add(asset.id)
            self.state.set_no_tags(stale - tagged)
            wanted = stale & tagged

        unread: list[str] = []

        def read(asset_id: str) -> None:
            try:
                info = self.client.assets.get_asset_info(asset_id)
            except (NotFoundError, BadRequestError, PermissionDeniedError):
                self.state.set_tags(asset_id, None)  # (locked, or gone meanwhile)
                return
            except AuthenticationError:
                raise
            except ImmichError as exc:
                # Left to read again by the next run (a server that failed for a moment).
                unread.append(f"{asset_id}: {exc}")
                return
            self.state.set_tags(asset_id, sorted(t.value for t in info.tags or []))

        map_concurrently(read, sorted(wanted), self.workers)
        if unread:
            self.notes.append(
                f"the tags of {len(unread)} asset(s) could not be read (e.g. {unread[0]}): "
                "the next run reads them again"
            )

    # -- files -----------------------------------------------------------------------

    def check_files(self, verify: bool) -> None:
        """Every file the mirror should hold is there (folder listings, not a stat per
        file); with ``verify``, and holds what it should (SHA-1)."""
        files = self.state.files()
        listings: dict[str, set[str] | None] = {}

        def listing(folder: str) -> set[str] | None:
            if folder not in listings:
                try:
                    listings[folder] = set(os.listdir(os.path.join(self.root, folder)))
                except OSError:
                    listings[folder] = None
            return listings[folder]

        def check() -> list[tuple[str, str, str | None]]:
            present, missing = [], []
            for asset_id, path, checksum, _ in files:
                folder, _, name = path.rpartition("/")
                names = listing(folder)
                if names is None or name not in names:
                    missing.append(path)
                    self.state.lose_file(asset_id)
                else:
                    present.append((asset_id, path, checksum))
            if missing:
                self.notes.append(
                    f"{len(missing)} file(s) of the mirror were missing (e.g. {missing[0]}): "
                    "downloaded again"
                )
            return present

        present = to_thread(check)
        if not verify:
            return
        cache = to_thread(open_hash_cache, self.hash_cache)

        def compare(item: tuple[str, str, str | None]) -> None:
            asset_id, path, checksum = item
            expected = from_server(checksum) if checksum else None
            if expected is None:
                return
            target = self.root / path
            digest = to_thread(sha1_file, target)
            if digest != expected:
                self.notes.append(f"{path} did not hold what it should (SHA-1): fetched again")
                if not self.dry_run:
                    to_thread(self._move_aside, path, "damaged")
                self.state.lose_file(asset_id)
            elif cache.enabled:
                info = to_thread(target.stat)
                cache.put(LocalFile.from_stat(target, info), digest)

        try:
            map_concurrently(compare, present, self.workers)
        finally:
            to_thread(cache.close)

    def download(self) -> None:
        rows = []
        for row in self.state.to_fetch():
            if row.removed:
                continue
            if row.locked:
                self.locked.append(row.id)
            else:
                rows.append(row)
        if not rows:
            return
        if self.dry_run:
            self.would_download = [row.id for row in rows]
            return
        replaced = {row.id: row.path for row in rows if row.path is not None}
        # Each file's sidecar is written as it lands, while other files are on their way.
        self._fetching = {row.id: row for row in rows}
        self._albums = self.state.albums_by_asset(list(self._fetching))
        cache = to_thread(open_hash_cache, self.hash_cache)
        self._writer = BackgroundWriter(_write_json, self._sidecars_done)
        try:
            downloader = _Downloader(
                self.client,
                root=self.root,
                layout=self.layout,
                cache=cache,
                overwrite=False,
                log=self.downloads,
                tracker=self.tracker,
                on_file=self._landed,
            )
            for _, path, _, _ in self.state.files():
                downloader.claim(self.root / path)  # another asset's (or an older content)
            downloader.run([_wanted(row) for row in rows], self.workers)
        finally:
            to_thread(self._writer.close)
            self._writer = None
            to_thread(cache.close)
        if replaced:
            self.state.commit()  # the new contents' files, before the old ones move
        for asset_id, old in replaced.items():
            if asset_id in self.downloads.downloaded or asset_id in self.downloads.skipped:
                # A new content for the same asset (the file was replaced on the server):
                # the old one is kept, aside.
                to_thread(self._move_aside, old, "replaced")

    def _landed(self, asset_id: str, target: Path, digest: bytes | None) -> None:
        path = str(target)
        if path.startswith(self._root_prefix):
            relative = path[len(self._root_prefix) :].replace(os.sep, "/")
        else:
            relative = Path(os.path.relpath(path, self.root)).as_posix()
        self.state.record_file(asset_id, relative, to_base64(digest) if digest else None)
        row = self._fetching.get(asset_id)
        # (One that belongs in .trash is moved there first: its sidecar is written after.)
        if row is not None and self._writer is not None and not self._belongs_in_trash(row):
            # Its sidecar, on the writer's thread while the next files come; noted as
            # written once it is (one that is not is written after the downloads).
            self._writer.put(asset_id, path + SIDECAR, sidecar(row, self._albums.get(asset_id, [])))

    def _sidecars_done(self, asset_ids: list[str]) -> None:
        self.state.sidecars_written(asset_ids)
        self.updated.extend(asset_ids)

    def _move_aside(self, path: str, why: str) -> None:
        """Move a file the mirror no longer uses into ``.trash/<why>/``."""
        source = self.root / path
        if source.exists():
            _move_with_sidecar(source, _free(self.root / TRASH / why / path))

    def apply_policy(self) -> None:
        """With ``prune``, the files of trashed and deleted assets go into ``.trash/``
        (and come back when restored); without it, they stay (and come back too)."""
        previous = self.state.get("prune")
        rows: Iterable[AssetRow]
        if previous is not None and previous != ("1" if self.prune else "0"):
            rows = self.state.assets("path IS NOT NULL")  # the policy changed: all of them
        else:
            rows = (row for row in self.state.stale_sidecars() if row.path is not None)
        for row in rows:
            assert row.path is not None
            belongs_in_trash = self._belongs_in_trash(row)
            if belongs_in_trash and not row.in_trash:
                target = _free(self.root / TRASH / row.path)
                if not self.dry_run:
                    self._relocate(row, target, in_trash=True)
                self.trashed[row.id] = target
            elif not belongs_in_trash and row.in_trash:
                original = PurePosixPath(row.path).relative_to(TRASH)
                target = _free(self.root / original)
                if not self.dry_run:
                    self._relocate(row, target, in_trash=False)
                self.restored[row.id] = target
        self.state.set("prune", "1" if self.prune else "0")

    def _belongs_in_trash(self, row: AssetRow) -> bool:
        return self.prune and bool(row.removed or row.trashed)

    def _relocate(self, row: AssetRow, target: Path, *, in_trash: bool) -> None:
        assert row.path is not None
        source = self.root / row.path
        if source.exists():
            _move_with_sidecar(source, target)
            self.state.move_file(row.id, target.relative_to(self.root).as_posix(), in_trash)
        else:
            self.state.lose_file(row.id)
        # At once: a run stopped now finds the file where the state says (not "missing",
        # to be downloaded again).
        self.state.commit()

    # -- what users lose otherwise: metadata and albums ------------------------------------

    def write_sidecars(self) -> None:
        rows = self.state.stale_sidecars()
        albums = self.state.albums_by_asset([row.id for row in rows if row.path is not None])
        for row in rows:
            if row.path is not None:
                if not self.dry_run:
                    target = self.root / row.path
                    side = target.with_name(target.name + SIDECAR)
                    # (Its file gone: the next run notices, and fetches it.)
                    with contextlib.suppress(FileNotFoundError):
                        _write_json(side, sidecar(row, albums.get(row.id, [])))
                self.updated.append(row.id)
        self.state.sidecars_written([row.id for row in rows])

    def write_albums(self) -> None:
        links = "1" if self.album_links else "0"
        if self.state.get("album_links") not in (None, links):
            self.state.stale_all_albums()  # links to make, or to take away
        self.state.set("album_links", links)
        files = self.state.album_files()
        taken = {n for name in files.values() for n in _album_names(name)}
        albums_dir = self.root / ALBUMS
        for album in self.state.stale_albums():
            name = files.get(album.id)
            if album.removed:
                self.albums_deleted += 1
                if name is not None and not self.dry_run:
                    if self.prune:
                        for path in (albums_dir / f"{name}{SIDECAR}", albums_dir / name):
                            if path.exists() or path.is_symlink():
                                _move(path, _free(self.root / TRASH / ALBUMS / path.name))
                        self.state.forget_album(album.id)
                        continue
                    # Its assets as the last run saw them (the server has no list now).
                    path = albums_dir / f"{name}{SIDECAR}"
                    try:
                        manifest = json.loads(path.read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        manifest = self._manifest(album.id, album.album)
                    manifest["deletedFromServer"] = True
                    _write_json(path, manifest)
                self.state.album_written(album.id, name)
                continue
            wanted = safe_filename(album.album.get("name") or "album", fallback="album")
            if name is None or not _same_stem(name, wanted):
                if name is not None:
                    taken.difference_update(_album_names(name))
                new = _claim_name(wanted, taken, names=_album_names)
                if name is not None and not self.dry_run:
                    for old, renamed in ((f"{name}{SIDECAR}", f"{new}{SIDECAR}"), (name, new)):
                        if (albums_dir / old).exists():
                            _move(albums_dir / old, albums_dir / renamed)
                name = new
            self.albums += 1
            if not self.dry_run:
                _write_json(albums_dir / f"{name}{SIDECAR}", self._manifest(album.id, album.album))
                self._links(albums_dir / name, album.id if self.album_links else None)
            self.state.album_written(album.id, name)

    def _manifest(self, album_id: str, data: dict[str, Any]) -> dict[str, Any]:
        members = self.state.album_members(album_id)
        return {
            "immichMirror": FORMAT,
            **data,
            "deletedFromServer": False,
            "assets": [{"id": asset_id, "path": path} for asset_id, path in members],
        }

    def _links(self, folder: Path, album_id: str | None) -> None:
        """``folder`` holds one relative link per file of the album, and no other link
        (``album_id`` None: none at all, and the folder goes if nothing else is in it)."""
        wanted: dict[str, str] = {}
        taken: set[str] = set()
        members = self.state.album_members(album_id) if album_id is not None else []
        for _, path in members:
            if path is None:
                continue
            name = _claim_name(PurePosixPath(path).name, taken, keep_suffix=True)
            wanted[name] = os.path.relpath(self.root / path, folder)
        if album_id is None and not folder.is_dir():
            return
        folder.mkdir(parents=True, exist_ok=True)
        for entry in os.scandir(folder):
            if entry.is_symlink() and os.readlink(entry.path) != wanted.get(entry.name):
                os.unlink(entry.path)
        if album_id is None:
            with contextlib.suppress(OSError):
                folder.rmdir()  # (unless something else is in it)
            return
        for name, target in wanted.items():
            link = folder / name
            if not link.is_symlink() and not link.exists():
                try:
                    os.symlink(target, link)
                except OSError as exc:  # (Windows without the right to make links)
                    self.notes.append(f"album links need symbolic links: {exc}")
                    return

    # -- the outcome -----------------------------------------------------------------------

    def result(self, elapsed: float, counts: dict[str, int]) -> MirrorResult:
        downloaded = {
            k: v for k, v in self.downloads.downloaded.items() if k not in self.downloads.failed
        }
        fetched = downloaded.keys() | self.downloads.skipped.keys()
        return MirrorResult(
            downloaded=downloaded,
            already_there=self.downloads.skipped,
            updated=tuple(a for a in self.updated if a not in fetched),
            deleted=tuple(dict.fromkeys(self.deleted)),
            trashed=self.trashed,
            restored=self.restored,
            locked=tuple(self.locked),
            failed=self.downloads.failed,
            albums=self.albums,
            albums_deleted=self.albums_deleted,
            events=self.events,
            complete=self.complete,
            full=self.full,
            would_download=tuple(self.would_download),
            assets=counts["assets"],
            files=counts["files"],
            bytes_downloaded=self.downloads.bytes_downloaded,
            elapsed=elapsed,
            dry_run=self.dry_run,
            notes=tuple(dict.fromkeys(self.notes)),
        )


def _wanted(row: AssetRow) -> Wanted:
    asset = row.asset
    taken = _when(asset.get("localDateTime")) or _when(asset.get("fileCreatedAt"))
    taken = taken or _when(asset.get("createdAt")) or datetime.datetime(1970, 1, 1)
    size = (row.exif or {}).get("fileSizeInByte")
    return Wanted(
        row.id,
        asset.get("originalFileName") or row.id,
        taken,
        None if asset.get("libraryId") else from_server(row.checksum),
        size if isinstance(size, int) else None,
        None,
        (_when(asset.get("fileCreatedAt")) or taken, row.id),
    )


def _when(text: Any) -> datetime.datetime | None:
    if not isinstance(text, str):
        return None
    from immich._core.converter import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError:
        return None


def sidecar(row: AssetRow, albums: list[dict[str, Any]]) -> dict[str, Any]:
    """What the mirror writes next to an asset's file: the server's data as it sent it
    (fields this SDK does not know included), with the EXIF, tags and albums."""
    exif = {k: v for k, v in (row.exif or {}).items() if k != "assetId"}
    return {
        "immichMirror": FORMAT,
        **row.asset,
        "description": exif.get("description"),
        "rating": exif.get("rating"),
        "tags": row.tags,
        "albums": [{"id": a.get("id"), "name": a.get("name")} for a in albums],
        "exif": exif or None,
        "deletedFromServer": row.removed,
    }


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write_json(path: str | Path, value: dict[str, Any]) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one. A file
    not there yet is written straight into place (no reader had an old one to see; a
    crash halfway leaves what the next run writes again: the state notes a file's
    sidecar only once it is written)."""
    data = json_codec.dumps_indented(value)
    try:
        fd = os.open(path, _NEW_FILE, 0o666)
    except OSError:
        pass  # there already, or its folder is not: the careful way
    else:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
    os.replace(partial, path)


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(target))


def _move_with_sidecar(source: Path, target: Path) -> None:
    """Move a file, and its sidecar beside it when it has one."""
    _move(source, target)
    sidecar = source.with_name(source.name + SIDECAR)
    if sidecar.exists():
        _move(sidecar, target.with_name(target.name + SIDECAR))


def _free(path: Path) -> Path:
    """``path``, or ``name (2).ext`` and so on if something is there."""
    for name in numbered_names(path.name):
        candidate = path.with_name(name)
        if not os.path.lexists(candidate):
            return candidate
    raise OSError(f"no free file name for {path}")


def _album_names(name: str) -> set[str]:
    """An album's names in ``albums/``, casefolded: its manifest ``<name>.json``, and
    ``<name>`` for its folder of links."""
    return {name.casefold(), f"{name}{SIDECAR}".casefold()}


def _file_names(name: str) -> set[str]:
    return {name.casefold()}


def _claim_name(
    name: str,
    taken: set[str],
    *,
    keep_suffix: bool = False,
    names: Callable[[str], set[str]] = _file_names,
) -> str:
    """The first of ``name``, ``name (2)``, ... whose ``names`` (casefolded: the name
    itself, or an album's two) are not in ``taken``; they are added to it."""
    for number in range(1, 10_000):
        candidate = numbered(name, number) if keep_suffix else _numbered_stem(name, number)
        claimed = names(candidate)
        if not claimed & taken:
            taken.update(claimed)
            return candidate
    raise OSError(f"no free name for {name}")


def _numbered_stem(name: str, number: int) -> str:
    return name if number == 1 else f"{name} ({number})"


def _same_stem(current: str, wanted: str) -> bool:
    """Whether ``current`` is ``wanted`` or one of its numbered forms."""
    return current == wanted or (current.startswith(f"{wanted} (") and current.endswith(")"))
