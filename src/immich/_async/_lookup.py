"""Albums, people and libraries named by the user: found by name or id, never guessed."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from immich._errors import BadRequestError, NameLookupError, NotFoundError

if TYPE_CHECKING:
    from immich._async._client import AsyncClient
    from immich.models.album_response_dto import AlbumResponseDto
    from immich.models.library_response_dto import LibraryResponseDto

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


class AlbumsByName:
    """The existing albums among some names (one request for all): ``ids`` by name, and
    for each name no album has, the albums whose names differ from it only in case or
    spaces (``"garden"`` beside ``"Garden"``)."""

    def __init__(self, ids: dict[str, str], near: dict[str, list[str]]) -> None:
        self.ids = ids
        self.near = near


async def albums_by_name(client: AsyncClient, names: Iterable[str]) -> AlbumsByName:
    wanted = set(names)
    every = await client.albums.get_all_albums()
    albums = [a for a in every if a.album_name in wanted]
    my_id = None
    if len({a.album_name for a in albums}) < len(albums):  # only ambiguity needs to know who we are
        my_id = (await client.users.get_my_user()).id
    found = {}
    for name in wanted:
        album = choose_album(albums, name, my_id)
        if album is not None:
            found[name] = album.id
    near = {
        name: sorted({a.album_name for a in every if _fold(a.album_name) == _fold(name)})
        for name in wanted - set(found)
    }
    return AlbumsByName(found, {name: others for name, others in near.items() if others})


def close_names(name: str, names: Iterable[str]) -> list[str]:
    """Names like ``name``: the same but for case or spaces first, then similar spellings."""
    names = sorted(set(names))
    folded = {_fold(n): n for n in names}
    same = [n for n in names if _fold(n) == _fold(name) and n != name]
    similar = difflib.get_close_matches(_fold(name), list(folded), n=3, cutoff=0.6)
    return list(dict.fromkeys([*same, *(folded[s] for s in similar if folded[s] != name)]))[:3]


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


async def find_album(client: AsyncClient, name_or_id: str) -> AlbumResponseDto:
    """An album by id, or else by exact name. Raises :class:`NameLookupError` (a
    ``LookupError``) when there is none, suggesting names that come close."""
    albums = await client.albums.get_all_albums()
    if looks_like_id(name_or_id):
        for album in albums:
            if album.id == name_or_id:
                return album
        try:
            return await client.albums.get_album_info(name_or_id)
        except (NotFoundError, BadRequestError):
            pass
    my_id = None
    if sum(album.album_name == name_or_id for album in albums) > 1:
        my_id = (await client.users.get_my_user()).id
    found = choose_album(albums, name_or_id, my_id)
    if found is None:
        raise NameLookupError(
            f"no album named {name_or_id!r}",
            name=name_or_id,
            suggestions=close_names(name_or_id, (a.album_name for a in albums)),
        )
    return found


async def find_library(client: AsyncClient, name_or_id: str) -> LibraryResponseDto:
    """An external library by id, or else by exact name. Raises :class:`NameLookupError`
    when there is none (suggesting names that come close) or several have the name."""
    libraries = await client.libraries.get_all_libraries()
    for library in libraries:
        if library.id == name_or_id:
            return library
    named = [library for library in libraries if library.name == name_or_id]
    if len(named) == 1:
        return named[0]
    if named:
        raise NameLookupError(
            f"{len(named)} libraries are named {name_or_id!r}; pass the id instead",
            name=name_or_id,
        )
    raise NameLookupError(
        f"no library with id or name {name_or_id!r}",
        name=name_or_id,
        suggestions=close_names(name_or_id, (library.name for library in libraries)),
    )


async def find_person(client: AsyncClient, name_or_id: str) -> str:
    """A person's id, from their id or their name (exact, else ignoring case).

    Raises :class:`NameLookupError` (a ``LookupError``) when nobody, or more than one
    person, has that name.
    """
    if looks_like_id(name_or_id):
        try:
            return (await client.people.get_person(name_or_id)).id
        except (NotFoundError, BadRequestError):
            pass
    exact: list[str] = []
    folded: list[str] = []
    names: list[str] = []
    async for person in client.people.iter_all_people(with_hidden=True):
        names.append(person.name)
        if person.name == name_or_id:
            exact.append(person.id)
        elif person.name.casefold() == name_or_id.casefold():
            folded.append(person.id)
    matches = exact or folded
    if not matches:
        raise NameLookupError(
            f"no person named {name_or_id!r}",
            name=name_or_id,
            suggestions=close_names(name_or_id, (n for n in names if n)),
        )
    if len(matches) > 1:
        raise NameLookupError(
            f"{len(matches)} people are named {name_or_id!r}; pass an id instead", name=name_or_id
        )
    return matches[0]
