"""The implemented operations, one module per area of the API."""

from __future__ import annotations

from .._router import Route
from . import (
    albums,
    assets,
    auth,
    download,
    libraries,
    media,
    queues,
    search,
    server,
    tags,
    trash,
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
    )
    for route in module.routes.routes
)
