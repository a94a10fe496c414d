"""Albums and people named by the user: found by name or id, never guessed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from immich._errors import BadRequestError, NotFoundError

if TYPE_CHECKING:
    from immich._sync._client import Client
    from immich.models.album_response_dto import AlbumResponseDto

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def looks_like_id(text: str) -> bool:
    return bool(_UUID.fullmatch(text))


def _owner_id(album: AlbumResponseDto) -> str | None:
    # The spec promises the owner as the first of albumUsers.
    return album.album_users[0].user.id if album.album_users else None


def choose_album(
    albums: Iterable[AlbumResponseDto], name: str, my_id: str | None
) -> AlbumResponseDto | None:
    """The album called exactly ``name``; among several, one the user owns, then the oldest."""
    matches = [album for album in albums if album.album_name == name]
    matches.sort(key=lambda album: (_owner_id(album) != my_id, album.created_at))
    return matches[0] if matches else None


def album_ids_by_name(client: Client, names: Iterable[str]) -> dict[str, str]:
    """The ids of the existing albums among ``names`` (one request for all)."""
    wanted = set(names)
    albums = [a for a in client.albums.get_all_albums() if a.album_name in wanted]
    my_id = None
    if len({a.album_name for a in albums}) < len(albums):  # only ambiguity needs to know who we are
        my_id = (client.users.get_my_user()).id
    found = {}
    for name in wanted:
        album = choose_album(albums, name, my_id)
        if album is not None:
            found[name] = album.id
    return found


def find_album(client: Client, name_or_id: str) -> AlbumResponseDto:
    """An album by id, or else by exact name. Raises ``LookupError`` when there is none."""
    albums = client.albums.get_all_albums()
    if looks_like_id(name_or_id):
        for album in albums:
            if album.id == name_or_id:
                return album
        try:
            return client.albums.get_album_info(name_or_id)
        except (NotFoundError, BadRequestError):
            pass
    my_id = None
    if sum(album.album_name == name_or_id for album in albums) > 1:
        my_id = (client.users.get_my_user()).id
    found = choose_album(albums, name_or_id, my_id)
    if found is None:
        raise LookupError(f"no album named {name_or_id!r}")
    return found


def find_person(client: Client, name_or_id: str) -> str:
    """A person's id, from their id or their name (exact, else ignoring case).

    Raises ``LookupError`` when nobody, or more than one person, has that name.
    """
    if looks_like_id(name_or_id):
        try:
            return (client.people.get_person(name_or_id)).id
        except (NotFoundError, BadRequestError):
            pass
    exact: list[str] = []
    folded: list[str] = []
    for person in client.people.iter_all_people(with_hidden=True):
        if person.name == name_or_id:
            exact.append(person.id)
        elif person.name.casefold() == name_or_id.casefold():
            folded.append(person.id)
    matches = exact or folded
    if not matches:
        raise LookupError(f"no person named {name_or_id!r}")
    if len(matches) > 1:
        raise LookupError(f"{len(matches)} people are named {name_or_id!r}; pass an id instead")
    return matches[0]
