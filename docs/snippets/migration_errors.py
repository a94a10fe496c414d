from immich import APIStatusError, Client, ImmichError, NotFoundError

with Client() as client:
    try:
        client.assets.get_asset_info("00000000-0000-4000-8000-000000000000")
    # A class per status (400, 401, 403, 404, 409, 422, 429, 5xx); NotFoundError also
    # catches Immich's 400 "Not found or no ... access" for an id that is not there.
    except NotFoundError as exc:
        print(exc.status_code, exc.server_message)
    except APIStatusError as exc:
        print("other error status:", exc.status_code, exc)
    except ImmichError as exc:  # connection errors and timeouts too
        print("failed:", exc)
