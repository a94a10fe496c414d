"""How spec names become Python names. Shared by the generator and its tests."""

from __future__ import annotations

import keyword
import re

from immich._core.naming import snake_case

# Names that would shadow what a generated module itself needs.
_RESERVED = set(keyword.kwlist) | {"self", "attrs", "datetime", "date", "UNSET", "Unset", "Any"}

# The spec's tags, as the group attributes users of immichpy already know.
GROUP_BY_TAG: dict[str, str] = {
    "API keys": "api_keys",
    "Activities": "activities",
    "Albums": "albums",
    "Assets": "assets",
    "Authentication": "auth",
    "Authentication (admin)": "auth_admin",
    "Database Backups (admin)": "backups",
    "Deprecated": "deprecated",
    "Download": "download",
    "Duplicates": "duplicates",
    "Faces": "faces",
    "Integrity (admin)": "integrity_admin",
    "Jobs": "jobs",
    "Libraries": "libraries",
    "Maintenance (admin)": "maintenance_admin",
    "Map": "map",
    "Memories": "memories",
    "Notifications": "notifications",
    "Notifications (admin)": "notifications_admin",
    "Partners": "partners",
    "People": "people",
    "Plugins": "plugins",
    "Queues": "queues",
    "Search": "search",
    "Server": "server",
    "Sessions": "sessions",
    "Shared links": "shared_links",
    "Stacks": "stacks",
    "Sync": "sync",
    "System config": "system_config",
    "System metadata": "system_metadata",
    "Tags": "tags",
    "Timeline": "timeline",
    "Trash": "trash",
    "Users": "users",
    "Users (admin)": "users_admin",
    "Views": "views",
    "Workflows": "workflows",
}


def python_name(wire_name: str) -> str:
    """A wire name as a valid, non-shadowing Python identifier."""
    name = snake_case(wire_name)
    if name in _RESERVED:
        name += "_"
    if name[0].isdigit():
        name = "n_" + name
    return name


def enum_member_name(value: object) -> str:
    if isinstance(value, int):
        return f"VALUE_{value}"
    text = str(value)
    name = re.sub(r"[^0-9a-zA-Z]+", "_", snake_case(text)).strip("_").upper()
    if not name or name[0].isdigit():
        name = "VALUE_" + name
    if keyword.iskeyword(name.lower()) and name.lower() == name:
        name += "_"
    return name


def module_name(class_name: str) -> str:
    return snake_case(class_name)


def group_class_name(group: str) -> str:
    """``shared_links`` -> ``AsyncSharedLinksApi`` (unasync turns it into ``SharedLinksApi``)."""
    return "Async" + "".join(part.capitalize() for part in group.split("_")) + "Api"
