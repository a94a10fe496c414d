"""A short usage example for each API group, shown in the group's docstring.

Written for the blocking ``Client`` (a ``client`` is open, with an admin's API key);
:func:`to_async` makes the ``AsyncClient`` version the async group's docstring shows,
and unasync turns that back into this text for the blocking group. Each example is real
code: ``tests/codegen/test_examples.py`` runs every one against ``FakeImmich`` (seeded with
three photos in an album "Trip", and a ``photo.jpg`` in the working folder) on both clients,
and checks that every method it calls exists and takes the arguments it is given.
Examples whose calls the fake does not implement run until the fake answers 501.

Keep them short, and write the result of a call to a name before using it
(``albums = client.albums.get_all_albums()``, then ``albums[0]``): an ``await`` in front of
``client.albums.get_all_albums()[0]`` would await the wrong thing.
"""

from __future__ import annotations

import ast

from codegen.naming import GROUP_BY_TAG

EXAMPLES: dict[str, str] = {
    "activities": """
from immich.models import ReactionType

albums = client.albums.get_all_albums()
album = albums[0]
for activity in client.activities.get_activities(album_id=album.id):
    print(activity.user.name, activity.type, activity.comment)
client.activities.create_activity(album_id=album.id, type=ReactionType.COMMENT, comment="Lovely!")
""",
    "albums": """
album = client.albums.create_album(album_name="Summer", description="Holidays 2024")
page = client.search.search_assets(size=10)
client.albums.add_assets_to_album(album.id, ids=[asset.id for asset in page.assets.items])
for album in client.albums.get_all_albums():
    print(album.album_name, album.asset_count)
""",
    "api_keys": """
from immich.models import Permission

created = client.api_keys.create_api_key(
    name="backup script", permissions=[Permission.ASSET_READ, Permission.ASSET_DOWNLOAD]
)
print(created.secret)  # shown only this once: keep it
for key in client.api_keys.get_api_keys():
    print(key.name, key.permissions)
client.api_keys.delete_api_key(created.api_key.id)
""",
    "assets": """
from immich.models import AssetMediaSize

result = client.assets.upload("photo.jpg")  # files and folders, skipping duplicates
print(len(result.uploaded), "new,", len(result.duplicates), "already there")
page = client.search.search_assets(size=1)
asset = client.assets.get_asset_info(page.assets.items[0].id)
print(asset.original_file_name, asset.type, asset.file_created_at)
thumbnail = client.assets.view_asset(asset.id, size=AssetMediaSize.THUMBNAIL)  # bytes
saved = client.assets.download_asset_to_file(asset.id, ".")  # the original, by its name
""",
    "auth": """
import os

status = client.auth.get_auth_status()
print("has a password:", status.password, "has a PIN code:", status.pin_code)
login = client.auth.login(email=os.environ["IMMICH_EMAIL"], password=os.environ["IMMICH_PASSWORD"])
print(login.user_email, login.is_admin)  # login.access_token opens a session
""",
    "auth_admin": """
# Unlink every user's OAuth account: each signs in with a password again.
client.auth_admin.unlink_all_o_auth_accounts_admin()
""",
    "backups": """
listing = client.backups.list_database_backups()
for backup in listing.backups:
    print(backup.filename, backup.filesize)
    client.backups.download_database_backup_to_file(backup.filename, ".")
""",
    "deprecated": """
import warnings

tag = client.tags.create_tag(name="To review")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    client.deprecated.update_tag(tag.id, color="#ff8800")  # the same as client.tags.update_tag
print(caught[0].message)  # update_tag is deprecated by the Immich API and will be removed
""",
    "download": """
# Calling the group downloads originals in bulk, resumably and verified:
result = client.download("photos", album="Trip", layout="{yyyy}/{mm}")
print(len(result.downloaded), "downloaded,", len(result.skipped), "already there")
archives = client.download.archive("zips", album="Trip")  # or as zip files
albums = client.albums.get_all_albums()
info = client.download.get_download_info(album_id=albums[0].id)
print(info.total_size, "bytes in", len(info.archives), "archive(s)")
""",
    "duplicates": """
from immich.models import DuplicateResolveGroupDto

for group in client.duplicates.get_asset_duplicates():
    keep = group.suggested_keep_asset_ids
    trash = [asset.id for asset in group.assets if asset.id not in keep]
    client.duplicates.resolve_duplicates(
        groups=[
            DuplicateResolveGroupDto(
                duplicate_id=group.duplicate_id, keep_asset_ids=keep, trash_asset_ids=trash
            )
        ]
    )
""",
    "faces": """
page = client.search.search_assets(size=1)
asset = page.assets.items[0]
for face in client.faces.get_faces(id=asset.id):
    name = face.person.name if face.person else "(nobody yet)"
    print(name, face.bounding_box_x1, face.bounding_box_y1)
""",
    "integrity_admin": """
from immich.models import IntegrityReport

summary = client.integrity_admin.get_integrity_report_summary()
print(summary.missing_file, "missing,", summary.untracked_file, "untracked files")
report = client.integrity_admin.get_integrity_report(type=IntegrityReport.MISSING_FILE)
for item in report.items:
    print(item.path)
""",
    "jobs": """
from immich.models import ManualJobName

# A one-off job; client.queues shows and steers the queues that run them.
client.jobs.create_job(name=ManualJobName.TAG_CLEANUP)
""",
    "libraries": """
me = client.users.get_my_user()
library = client.libraries.create_library(
    owner_id=me.id, name="NAS photos", import_paths=["/mnt/photos"]
)
check = client.libraries.validate(library.id, import_paths=["/mnt/photos"])
print([(path.import_path, path.is_valid, path.message) for path in check.import_paths])
client.libraries.scan_library(library.id)  # the server imports in the background
stats = client.libraries.get_library_statistics(library.id)
print(stats.photos, "photos,", stats.videos, "videos")
""",
    "maintenance_admin": """
status = client.maintenance_admin.get_maintenance_status()
print("in maintenance:", status.active)
install = client.maintenance_admin.detect_prior_install()
for folder in install.storage:
    print(folder.folder, folder.files, "files")
""",
    "map": """
for marker in client.map.get_map_markers(is_favorite=True):
    print(marker.city, marker.lat, marker.lon)
places = client.map.reverse_geocode(lat=48.8566, lon=2.3522)
""",
    "memories": """
import datetime

for memory in client.memories.search_memories(for_=datetime.date.today()):
    print(memory.type, memory.memory_at, len(memory.assets), "assets")
statistics = client.memories.memories_statistics()
print(statistics.total, "memories")
""",
    "notifications": """
import datetime

for note in client.notifications.get_notifications(unread=True):
    print(note.level, note.title, note.description)
    client.notifications.update_notification(
        note.id, read_at=datetime.datetime.now(datetime.timezone.utc)
    )
""",
    "notifications_admin": """
from immich.models import NotificationLevel

me = client.users.get_my_user()
client.notifications_admin.create_notification(
    user_id=me.id, title="Backup done", description="All photos saved.",
    level=NotificationLevel.SUCCESS,
)
""",
    "partners": """
from immich.models import PartnerDirection

for partner in client.partners.get_partners(direction=PartnerDirection.SHARED_WITH):
    print(partner.name, "shares with me; in my timeline:", partner.in_timeline)
users = client.users.search_users()
client.partners.create_partner(shared_with_id=users[0].id)  # share my library with them
""",
    "people": """
for person in client.people.iter_all_people():  # every page, fetched as needed
    print(person.name or "(unnamed)", person.id)
alice = client.people.create_person(name="Alice")
client.people.get_person_thumbnail_to_file(alice.id, "alice.jpg")
""",
    "plugins": """
for plugin in client.plugins.search_plugins():
    print(plugin.name, plugin.version, [method.name for method in plugin.methods])
""",
    "queues": """
from immich.models import QueueName

queue = client.queues.get_queue(QueueName.THUMBNAIL_GENERATION)
print(queue.statistics.active, "running,", queue.statistics.waiting, "waiting")
client.queues.update_queue(QueueName.THUMBNAIL_GENERATION, is_paused=True)
client.queues.update_queue(QueueName.THUMBNAIL_GENERATION, is_paused=False)
""",
    "search": """
import datetime

start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
for asset in client.search.iter_assets(taken_after=start):  # every page, fetched as needed
    print(asset.original_file_name, asset.file_created_at)
page = client.search.search_assets(is_favorite=True, size=50)  # one page
print(page.assets.total, "favourites; next page:", page.assets.next_page)
found = client.search.search_smart(query="beach at sunset")  # needs machine learning
""",
    "server": """
version = client.server.get_server_version()
print(f"Immich {version.major}.{version.minor}.{version.patch}")
storage = client.server.get_storage()
print(storage.disk_use, "of", storage.disk_size, "used")
features = client.server.get_server_features()
print("smart search:", features.smart_search)
""",
    "sessions": """
for session in client.sessions.get_sessions():
    print(session.device_type, session.device_os, "this one" if session.current else "")
client.sessions.delete_all_sessions()  # signs out every other device
""",
    "shared_links": """
import datetime

from immich.models import SharedLinkType

albums = client.albums.get_all_albums()
link = client.shared_links.create_shared_link(
    type=SharedLinkType.ALBUM,
    album_id=albums[0].id,
    allow_download=True,
    expires_at=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7),
)
print(client.base_url.join(f"/share/{link.key}"))
client.shared_links.remove_shared_link(link.id)
""",
    "stacks": """
for stack in client.stacks.search_stacks():
    print(stack.id, stack.primary_asset_id, len(stack.assets), "assets")
page = client.search.search_assets(size=2)
stack = client.stacks.create_stack(asset_ids=[asset.id for asset in page.assets.items])
""",
    "sync": """
import os

# The sync endpoints take a user's session, not an API key.
client.login(os.environ["IMMICH_EMAIL"], os.environ["IMMICH_PASSWORD"])
for ack in client.sync.get_sync_ack():
    print(ack.type, ack.ack)
client.sync.delete_sync_ack()  # the next sync starts from scratch
""",
    "system_config": """
import attrs

config = client.system_config.get_config()
print("trash kept for", config.trash.days, "days")
# update_config takes every section: change one, pass the others as they were.
sections = attrs.asdict(config, recurse=False)
sections["trash"] = attrs.evolve(config.trash, days=60)
client.system_config.update_config(**sections)
""",
    "system_metadata": """
onboarding = client.system_metadata.get_admin_onboarding()
print("admin onboarded:", onboarding.is_onboarded)
state = client.system_metadata.get_version_check_state()
print("newest release seen:", state.release_version, "at", state.checked_at)
""",
    "tags": """
tags = client.tags.upsert_tags(tags=["Places/Paris", "People/Family"])  # nested by "/"
page = client.search.search_assets(size=10)
client.tags.tag_assets(tags[0].id, ids=[asset.id for asset in page.assets.items])
for tag in client.tags.get_all_tags():
    print(tag.value)
""",
    "timeline": """
for bucket in client.timeline.get_time_buckets():  # one per month, newest first
    print(bucket.time_bucket, bucket.count, "assets")
    assets = client.timeline.get_time_bucket(time_bucket=bucket.time_bucket)
""",
    "trash": """
page = client.search.search_assets(size=1)
asset = page.assets.items[0]
client.assets.delete_assets(ids=[asset.id])  # into the trash
restored = client.trash.restore_assets(ids=[asset.id])
print(restored.count, "restored")
client.trash.empty_trash()  # deletes what is in it for good
""",
    "users": """
me = client.users.get_my_user()
print(me.name, me.email, "admin" if me.is_admin else "")
preferences = client.users.get_my_preferences()
print("memories shown:", preferences.memories.enabled)
for user in client.users.search_users():
    print(user.name, user.email)
""",
    "users_admin": """
import secrets

user = client.users_admin.create_user_admin(
    email="alice@example.com", name="Alice", password=secrets.token_urlsafe(12),
    should_change_password=True,
)
for account in client.users_admin.search_users_admin():
    print(account.email, account.quota_usage_in_bytes, "bytes used")
stats = client.users_admin.get_user_statistics_admin(user.id)
print(stats.images, "images,", stats.videos, "videos")
""",
    "views": """
for folder in client.views.get_unique_original_paths():
    print(folder)
    assets = client.views.get_assets_by_original_path(path=folder)
""",
    "workflows": """
for trigger in client.workflows.get_workflow_triggers():
    print(trigger.trigger, trigger.types)
for workflow in client.workflows.search_workflows(enabled=True):
    print(workflow.name, workflow.trigger, len(workflow.steps), "steps")
""",
}


def example(group: str) -> str:
    """The blocking example of ``group``, without surrounding blank lines."""
    return EXAMPLES[group].strip("\n")


def to_async(code: str) -> str:
    """``code`` for ``AsyncClient``: each call of an API method awaited, the ``iter_*``
    iterators looped over with ``async for`` and the ``*_stream`` bodies opened with
    ``async with``. Raises ValueError where an ``await`` would bind wrongly."""
    tree = ast.parse(code)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    inserts: list[tuple[int, int, str]] = []  # (line, column, text)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _client_method(node.func)):
            continue
        name = _client_method(node.func)
        parent = parents[node]
        if name.startswith("iter_") and isinstance(parent, ast.For) and parent.iter is node:
            inserts.append((parent.lineno, parent.col_offset, "async "))
        elif name.endswith("_stream") and isinstance(parent, ast.withitem):
            statement = parents[parent]
            assert isinstance(statement, ast.With)
            inserts.append((statement.lineno, statement.col_offset, "async "))
        elif isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node:
            raise ValueError(
                f"line {node.lineno}: name the result of {name}(...) before using it, "
                "or its await binds to the wrong thing"
            )
        else:
            inserts.append((node.lineno, node.col_offset, "await "))
    lines = code.split("\n")
    for line, column, text in sorted(inserts, reverse=True):
        current = lines[line - 1]
        lines[line - 1] = current[:column] + text + current[column:]
    return "\n".join(lines)


#: The client's own coroutine methods (``client.download(...)`` is the download group).
CLIENT_METHODS = frozenset({"upload", "download", "login", "server_version", "with_response"})


def _client_method(func: ast.expr) -> str:
    """``client.albums.get_all_albums`` -> "get_all_albums", ``client.upload`` ->
    "upload"; "" for anything else (``client.base_url.join``)."""
    chain: list[str] = []
    while isinstance(func, ast.Attribute):
        chain.insert(0, func.attr)
        func = func.value
    if not (isinstance(func, ast.Name) and func.id == "client"):
        return ""
    if len(chain) == 2 and chain[0] in set(GROUP_BY_TAG.values()):
        return chain[1]
    if len(chain) == 1 and chain[0] in CLIENT_METHODS:
        return chain[0]
    return ""
