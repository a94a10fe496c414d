"""Words the spec leaves out: parameter and model descriptions, and what a method raises.

The spec describes most body fields but few path and query parameters (``id``, ``key``,
``slug``, ...) and few schemas (``AlbumResponseDto`` has no description). What is written
here fills those gaps from the spec's own structure (the path a parameter is part of, the
operations that take or answer a schema) and, where that says too little, from a short
hand-written table. Everything is plain text with ``double backticks`` for code and
``:class:`` roles for models, as the other generated docstrings.
"""

from __future__ import annotations

import re

from codegen.spec import Api, Model, Operation, Param
from immich._core.naming import snake_case
from immich.versions import OLDEST_SUPPORTED

# -- parameters ------------------------------------------------------------------------

#: The thing a path segment names, for "the album's id" (``/albums/{id}``).
PATH_NOUNS = {
    "activities": "activity",
    "albums": "album",
    "api-keys": "API key",
    "assets": "asset",
    "duplicates": "duplicate group",
    "faces": "face",
    "libraries": "library",
    "memories": "memory",
    "notifications": "notification",
    "partners": "partner (a user)",
    "people": "person",
    "plugins": "plugin",
    "report": "integrity report",
    "sessions": "session",
    "shared-links": "shared link",
    "stacks": "stack",
    "tags": "tag",
    "users": "user",
    "workflows": "workflow",
}

#: ``fooId`` parameters whose thing is not simply "foo".
ID_NOUNS = {"sessionId": "video playback session", "userId": "user", "assetId": "asset"}

#: Parameters the spec does not describe and whose name says too little:
#: (operationId or "*", wire name) -> description.
PARAMETERS: dict[tuple[str, str], str] = {
    ("*", "key"): "A shared link's key: act as a visitor of that link.",
    ("*", "slug"): "A shared link's slug (its custom URL): act as a visitor of that link.",
    ("getActivities", "level"): "Only activities on the album itself, or only those on assets.",
    ("getActivities", "type"): "Only comments, or only likes.",
    ("downloadDatabaseBackup", "filename"): (
        "The backup's file name, as ``backups.list_database_backups`` lists it."
    ),
    (
        "getIntegrityReport",
        "type",
    ): "Which report: untracked files, missing files or checksum mismatches.",
    (
        "getIntegrityReportCsv",
        "type",
    ): "Which report: untracked files, missing files or checksum mismatches.",
    ("getNotificationTemplateAdmin", "name"): "The email template's name.",
    (
        "getUserCalendarHeatmapAdmin",
        "type",
    ): "What to count per day: uploads (the default) or photos taken.",
    (
        "getMyCalendarHeatmap",
        "type",
    ): "What to count per day: uploads (the default) or photos taken.",
    ("getUserStatisticsAdmin", "visibility"): "Count only assets of this visibility.",
    ("getAssetStatistics", "visibility"): "Count only assets of this visibility.",
    (
        "viewAsset",
        "size",
    ): "Which rendition: ``thumbnail`` (the default), ``preview`` or ``fullsize``.",
    ("getMediaPlaylist", "variantIndex"): "The variant's index in the main playlist.",
    ("getMediaPlaylist", "x-immich-hls-pos"): (
        "The playback position in seconds, so the server prepares that segment first."
    ),
    ("getSegment", "variantIndex"): "The variant's index in the main playlist.",
    ("getSegment", "filename"): "The segment's file name: ``init.mp4`` or ``seg_N.m4s``.",
    ("getSegment", "x-immich-hls-msn"): "Which segment will be loaded after ``init.mp4``.",
    ("runQueueCommandLegacy", "name"): "The queue.",
    ("getQueue", "name"): "The queue.",
    ("updateQueue", "name"): "The queue.",
    ("emptyQueue", "name"): "The queue.",
    ("getQueueJobs", "name"): "The queue.",
    ("searchMemories", "order"): "The order of the memories: oldest or newest first, or random.",
    ("searchMemories", "type"): "Only memories of this type.",
    (
        "memoriesStatistics",
        "order",
    ): "The order of the memories: oldest or newest first, or random.",
    ("memoriesStatistics", "type"): "Only memories of this type.",
    ("getNotifications", "level"): "Only notifications of this level.",
    ("getNotifications", "type"): "Only notifications of this type.",
    ("getPartners", "direction"): (
        "``shared-by``: the users you share your library with; ``shared-with``: those "
        "who share theirs with you."
    ),
    ("searchPlugins", "name"): "Only the plugin of this name (exact match).",
    ("searchPlugins", "version"): "Only plugins of this version (exact match).",
    ("searchPlugins", "title"): "Only plugins of this title (exact match).",
    ("searchPlugins", "description"): "Only plugins of this description (exact match).",
    ("searchPluginMethods", "name"): "Only methods of this name (exact match).",
    ("searchPluginMethods", "title"): "Only methods of this title (exact match).",
    ("searchPluginMethods", "description"): "Only methods of this description (exact match).",
    ("searchLargeAssets", "type"): "Only assets of this type.",
    ("searchLargeAssets", "visibility"): "Only assets of this visibility.",
    ("getSearchSuggestions", "type"): (
        "What to suggest: countries, states, cities, camera makes, camera models or lens models."
    ),
    ("getAssetsByOriginalPath", "path"): (
        "A folder, as ``views.get_unique_original_paths`` lists it."
    ),
}


def parameter_description(op: Operation, param: Param) -> str:
    """The spec's description of a parameter, else one from the table or its path."""
    if param.description:
        return param.description
    for key in ((op.operation_id, param.wire_name), ("*", param.wire_name)):
        if key in PARAMETERS:
            return PARAMETERS[key]
    if param.wire_name.endswith("Id") or (param.location == "path" and param.wire_name == "id"):
        return f"The {_id_thing(op, param)}'s id."
    return ""


def _path_noun(path: str) -> str:
    segments = path.strip("/").split("/")
    before = segments[segments.index("{id}") - 1]
    if before not in PATH_NOUNS:
        raise KeyError(f"add the thing {path} names to codegen.descriptions.PATH_NOUNS")
    return PATH_NOUNS[before]


# -- models ------------------------------------------------------------------------------

#: What a model is, where neither the spec nor its name and use say it well: name -> the
#: summary line. (Checked against the fields and the server's code.)
MODEL_SUMMARIES: dict[str, str] = {
    "AdminOnboardingUpdateDto": "Whether the admin has finished onboarding.",
    "AlbumsAddAssetsResponseDto": "Whether adding the assets to the albums worked, and why not.",
    "ApiKeyCreateResponseDto": "A new API key and its secret, which is shown only this once.",
    "AssetBulkUploadCheckItem": "One file to check: an id of your choosing and its SHA-1.",
    "AssetBulkUploadCheckResponseDto": "The server's verdict on each file of a bulk upload check.",
    "AssetBulkUploadCheckResult": (
        "The verdict on one checked file: accept it, or reject it as a duplicate (and which)."
    ),
    "AssetIdsResponseDto": "The outcome for one asset id: added, removed, or why not.",
    "AssetMediaResponseDto": "An upload's outcome: the asset's id and whether it is new or a duplicate.",
    "AssetStackResponseDto": "The stack an asset is part of: its id, size and primary asset.",
    "AssetStatsResponseDto": "How many images and videos there are.",
    "BulkIdResponseDto": "The outcome for one id of a bulk request: done, or why not.",
    "ContributorCountResponseDto": "How many assets one user added to an album.",
    "CreateProfileImageResponseDto": "A user's new profile image.",
    "DuplicateResponseDto": "A group of duplicate assets, and which of them to keep.",
    "DownloadArchiveInfo": "One archive of a download: its assets and size.",
    "DownloadResponseDto": "How a download is split into archives, and its total size.",
    "LoginResponseDto": "A new session: its access token and the user signed in.",
    "LogoutResponseDto": "Whether a logout worked, and where to go next.",
    "OnThisDayDto": 'The data of an "on this day" memory: the year it recalls.',
    "OnboardingResponseDto": "Whether the user has finished onboarding.",
    "PlacesResponseDto": "A place, as a search by name finds it.",
    "QueueResponseLegacyDto": "A queue's status and job counts, as the older ``jobs`` methods answer it.",
    "QueueStatusLegacyDto": "Whether a queue is active or paused, as the older ``jobs`` methods say it.",
    "QueuesResponseLegacyDto": "Every queue's status and job counts, as the older ``jobs`` methods answer them.",
    "ReleaseEventV1": "The server's check for a newer Immich release: when, and what it found.",
    "SearchResponseDto": "Search results: a page of assets and one of albums.",
    "SearchAlbumResponseDto": "The albums of a search's results.",
    "SearchAssetResponseDto": "A page of a search's assets, and the next page's number.",
    "ServerAboutResponseDto": "What the server says about itself: version, build, sources, tools.",
    "ServerMediaTypesResponseDto": "The file types the server takes: images, videos and sidecars.",
    "ServerPingResponse": "The server's answer to a ping.",
    "ServerStatsResponseDto": "The server's photos, videos and bytes, in total and per user.",
    "ServerStorageResponseDto": "The server's disk: its size, and how much is used.",
    "SessionCreateResponseDto": "A new session and its token.",
    "TagBulkAssetsResponseDto": "How many assets were tagged.",
    "TimeBucketAssetResponseDto": "The assets of one time bucket, column by column.",
    "TimeBucketsResponseDto": "One time bucket of the timeline and its number of assets.",
    "TrashResponseDto": "How many assets a trash operation affected.",
    "UsageByUserDto": "One user's photos, videos and bytes.",
    "UserAdminResponseDto": "A user, in full: as the user and admins see it.",
    "UserResponseDto": "A user, as other users see it.",
    "ValidateAccessTokenResponseDto": "Whether an access token is valid.",
    "ValidateLibraryImportPathResponseDto": "Whether one import path is usable, and why not.",
    "ValidateLibraryResponseDto": "Whether a library's import paths are usable.",
    "VersionCheckStateResponseDto": "The newest release the server found, and when it looked.",
}

# Listed by name at most this many times; then "and N more".
_LISTED = 3
_PREFERENCES = ("UserPreferencesResponseDto", "UserPreferencesUpdateDto")
_SYNC_RECORD = re.compile(r"^Sync(\w+?)V(\d+)$")


def method_reference(op: Operation) -> str:
    """``albums.get_album_info``: the method in its home group."""
    home = next((g for g in op.groups if g != "deprecated"), op.groups[0])
    return f"``{home}.{op.name}``"


def model_docstring_parts(api: Api, model: Model) -> tuple[str, list[str]]:
    """A model's summary line and the paragraphs after it (before its attributes)."""
    takes = [op for op in api.operations if op.body_model == model.name]
    answers = [op for op in api.operations if op.response and model.name in op.response.models]
    parents = sorted(
        {
            (other.name, f.name)
            for other in api.models.values()
            for f in other.fields
            if model.name in f.type.models and other.name != model.name
        }
    )
    parent_names = {name for name, _ in parents}
    words = _words(model.name)
    if model.name in MODEL_SUMMARIES:
        summary = MODEL_SUMMARIES[model.name]
    elif model.description:
        summary = _sentence(model.description)
    elif takes and not answers:
        summary = f"What {_listing(takes, verb_s='takes', verb='take')}."
    elif answers:
        summary = f"{_with_article(words)}, as the server answers it."
    elif match := _SYNC_RECORD.match(model.name):
        summary = (
            "A record of the sync stream (``sync.get_sync_stream``): "
            f"{' '.join(_words(match.group(1)))}, version {match.group(2)}."
        )
    elif len(parents) == 1 and _is_list(api, *parents[0]):
        summary = f"One entry of :class:`{parents[0][0]}`'s ``{parents[0][1]}``."
    elif parent_names and parent_names <= set(_PREFERENCES):
        section = " ".join(w for w in words if w not in ("response", "update"))
        verb = "as the server answers them" if words[-1] == "response" else "to change"
        summary = f"A user's {section} preferences, {verb}."
    elif parents and words[:2] == ["system", "config"]:
        summary = f"The {' '.join(words[2:])} settings of the server's configuration."
    else:
        summary = f"{_with_article(words)}."
    paragraphs = []
    if takes and not summary.startswith("What "):
        paragraphs.append(f"What {_listing(takes, verb_s='takes', verb='take')}.")
    if answers:
        paragraphs.append(f"The answer of {_listing(answers)}.")
    if takes:
        paragraphs.append(
            "You rarely build it yourself: its fields are the keyword arguments of "
            + ("that method." if len({method_reference(op) for op in takes}) == 1 else "those.")
        )
    if parents and not summary.startswith("One entry of"):
        paragraphs.append(f"Part of {_parents(parents)}.")
    return summary, paragraphs


def _is_list(api: Api, model: str, field_name: str) -> bool:
    found = next(f for f in api.models[model].fields if f.name == field_name)
    return found.type.annotation.startswith("list[")


def _listing(ops: list[Operation], verb_s: str = "", verb: str = "") -> str:
    names = sorted({method_reference(op) for op in ops})
    text = _join(_capped(names))
    if verb_s:
        text += f" {verb_s if len(names) == 1 else verb}"
    return text


def _capped(items: list[str]) -> list[str]:
    if len(items) <= _LISTED + 1:
        return items
    return [*items[:_LISTED], f"{len(items) - _LISTED} more"]


def _parents(parents: list[tuple[str, str]]) -> str:
    by_model: dict[str, list[str]] = {}
    for name, field_ in parents:
        by_model.setdefault(name, []).append(f"``{field_}``")
    shown = [f":class:`{name}` ({_join(_capped(fields))})" for name, fields in by_model.items()]
    return _join(_capped(shown))


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# Words kept as they are written (the rest are split at capitals and lower-cased).
_KEPT = ("OAuth", "FFmpeg", "CLIP", "APK")
_UPPER = {"api": "API", "ocr": "OCR", "smtp": "SMTP", "exif": "EXIF", "apk": "APK"}
_WORD = re.compile("|".join(_KEPT) + r"|[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+")


def _words(name: str) -> list[str]:
    """``AlbumResponseDto`` -> ["album", "response"]; ``SystemConfigOAuthDto`` ->
    ["system", "config", "OAuth"]."""
    stem = re.sub(r"Dto$", "", name) or name
    return [w if w in _KEPT else _UPPER.get(w.lower(), w.lower()) for w in _WORD.findall(stem)]


def _with_article(words: list[str]) -> str:
    """["album", "response"] -> "An album"; ["server", "stats", "response"] -> "Server
    stats" (a plural takes none)."""
    if words[-1] == "response" and len(words) > 1:
        words = words[:-1]
    text = " ".join(words)
    last = words[-1]
    if (last.endswith("s") and not last.endswith(("ss", "us", "is"))) or last == "people":
        return text[:1].upper() + text[1:]
    article = "An" if text[:1].lower() in "aeio" else "A"
    return f"{article} {text}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def type_description(api: Api, models: frozenset[str]) -> str:
    """For a field or parameter the spec does not describe: what its type is."""
    if len(models) == 1:
        (name,) = models
        item = api.models.get(name) or api.enums.get(name)
        if item is not None and item.description:
            return f"{_sentence(item.description)[:-1]} (:class:`{name}`)."
    return " or ".join(f":class:`{m}`" for m in sorted(models)) + "." if models else ""


# -- what a method raises ------------------------------------------------------------------

#: What some methods raise besides what every method of their kind does:
#: operationId -> (exception, when).
RAISES_EXTRA: dict[str, list[tuple[str, str]]] = {
    "login": [("AuthenticationError", "The email or password is wrong, or password login is off.")],
    "changePassword": [
        (
            "BadRequestError",
            "The server refused the arguments (``errors`` says which and why), or the "
            "current password is wrong.",
        )
    ],
}

_CONNECTION = (
    "APIConnectionError",
    "The server could not be reached or the connection broke; :class:`APITimeoutError` "
    "when it took too long.",
)


def raises(api: Api, op: Operation, variant: str = "call") -> list[tuple[str, str]]:
    """``(exception, when)`` for the Raises section of a generated method. ``variant``:
    ``call`` (the method itself), ``stream``, ``file`` or ``paging`` (its twins)."""
    found: list[tuple[str, str]] = []
    if op.params or op.body_fields:
        found.append(
            ("BadRequestError", "The server refused the arguments (``errors`` says which and why).")
        )
    ids = [p for p in op.path_params if p.wire_name == "id" or p.wire_name.endswith("Id")]
    if ids:
        things = _join([_id_thing(op, p) for p in ids])
        found.append(
            (
                "NotFoundError",
                f"No {things} with this id that this user may see (mostly Immich's 400, "
                ":class:`NotFoundOrNoAccessError`; a few methods answer a plain "
                "``BadRequestError``).",
            )
        )
    if op.authenticated:
        found.append(("AuthenticationError", "No credentials, or ones the server does not accept."))
    if op.permission or op.admin_only:
        lacks = f"the API key lacks the ``{op.permission}`` permission" if op.permission else ""
        if op.admin_only:
            lacks = "the user is not an admin" + (f", or {lacks}" if lacks else "")
        found.append(("PermissionDeniedError", lacks[:1].upper() + lacks[1:] + "."))
    for name, text in RAISES_EXTRA.get(op.operation_id, []):
        found = [(n, t) for n, t in found if n != name] + [(name, text)]
    if unsupported := _unsupported(api, op):
        found.append(("UnsupportedByServerError", unsupported))
    found.append(_CONNECTION)
    if variant in ("stream", "file"):
        where = "while it is read" if variant == "stream" else "(no file is left)"
        found.append(("IncompleteDownloadError", f"The body ended before all of it came {where}."))
    order = [
        "BadRequestError",
        "NotFoundError",
        "AuthenticationError",
        "PermissionDeniedError",
        "UnsupportedByServerError",
        "APIConnectionError",
        "IncompleteDownloadError",
    ]
    return sorted(found, key=lambda item: order.index(item[0]))


def _id_thing(op: Operation, param: Param) -> str:
    if param.wire_name == "id":
        return _path_noun(op.path)
    return ID_NOUNS.get(param.wire_name) or snake_case(param.wire_name[:-2]).replace("_", " ")


def _release(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def _minor(version: tuple[int, int, int]) -> str:
    """The release line: the client picks a server's API by major.minor."""
    return f"{version[0]}.{version[1]}"


def _unsupported(api: Api, op: Operation) -> str:
    """When the client refuses the call before sending it: the server is too old for the
    method, or for an argument given (see ``immich._core.compat``)."""
    table = api.table
    if op.history.added and op.history.added > OLDEST_SUPPORTED:
        return f"The server is older than {_release(op.history.added)}, which added this method."
    if table is None:
        return ""
    if op.operation_id in table.operations:
        first = table.operations[op.operation_id][0]
        return f"The server is older than {_minor(first)}, which has this method."
    if not op.varies:
        return ""
    newer: dict[str, tuple[int, int, int]] = {}
    for param in op.params:
        having = table.parameters.get((op.operation_id, param.wire_name))
        if having and having != table.versions:
            newer[param.name] = having[0]
    if op.body_model:
        for field_ in op.body_fields:
            history = table.field(op.body_model, field_.wire_name)
            if history and history.present and history.present[0] != table.versions[0]:
                newer[op.body_argument(field_)] = history.present[0]
    if newer:
        first = max(newer.values())
        names = _join([f"``{name}``" for name in newer])
        it = "it" if len(newer) == 1 else "them"
        return f"{names} given to a server older than {_minor(first)}, which added {it}."
    if _may_refuse(api, op):
        return "A value given is newer than the server's release (an enum value, a field)."
    return ""


def _may_refuse(api: Api, op: Operation) -> bool:
    """Whether a value given to ``op`` may be one an older release lacks: a newer enum
    value or field somewhere in its parameters or body, or a null it does not take."""
    table = api.table
    assert table is not None
    pending = [name for p in op.params for name in p.type.models]
    pending += [op.body_model] if op.body_model else []
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if name in table.enum_values:
            return True
        for history in table.fields.get(name, {}).values():
            if set(history.present) != set(table.versions) or (
                history.nullable and set(history.nullable) != set(history.present)
            ):
                return True
        if name in api.models:
            pending += [m for f in api.models[name].fields for m in f.type.models]
    return False
