from immich import (
    APIConnectionError,
    APIStatusError,
    Client,
    ImmichError,
    NotFoundError,
    PermissionDeniedError,
)

with Client() as client:
    try:
        client.albums.get_album_info("00000000-0000-4000-8000-000000000000")
    except NotFoundError as exc:  # 404, or Immich's 400 "Not found or no album.read access"
        print("not found:", exc.status_code, exc.server_message)

    try:
        client.albums.create_album(album_name="Holidays", asset_ids=["not-a-uuid"])
    except PermissionDeniedError as exc:
        print("the API key lacks a permission:", exc)
    except APIStatusError as exc:  # any other 4xx or 5xx answer
        print(f"{type(exc).__name__}: {exc.status_code} {exc.method} {exc.url}")
        print("server says:", exc.server_message)
    except APIConnectionError as exc:  # unreachable, or timed out
        print("connection problem:", exc)
    except ImmichError as exc:  # the base of every error the SDK raises
        print("something else:", exc)
