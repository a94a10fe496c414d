"""The implemented operations, one module per area of the API."""

from __future__ import annotations

from .._router import Route
from . import (
    albums,
    assets,
    auth,
    download,
    libraries,
    me,
    media,
    queues,
    search,
    server,
    shared_links,
    stacks,
    sync,
    system,
    tags,
    timeline,
    trash,
    unanalysed,
    upload,
    users,
)

IMPLEMENTED_ROUTES: tuple[Route, ...] = tuple(
    route
    for module in (
        server,
        auth,
        users,
        assets,
        upload,
        media,
        albums,
        search,
        download,
        trash,
        tags,
        libraries,
        queues,
        me,
        system,
        timeline,
        unanalysed,
        shared_links,
        stacks,
        sync,
    )
    for route in module.routes.routes
)
