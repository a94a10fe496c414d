import warnings

from immich import UNSET, Client, converter
from immich.models import AssetResponseDto

# Immich 3.0 marks PUT /assets/{id} as deprecated (no successor in its API yet), so the
# SDK warns on each call. Silence that one warning, or let it remind you.
warnings.filterwarnings("ignore", message="update_asset is deprecated", category=DeprecationWarning)

with Client() as client:
    asset = next(client.search.iter_assets(size=1))

    # Leaving an argument out sends nothing: only the rating changes here.
    client.assets.update_asset(asset.id, rating=4)
    # None is sent as JSON null: this clears the rating.
    updated = client.assets.update_asset(asset.id, rating=None)

    # Response fields the server did not send are UNSET, not None.
    if updated.exif_info is not UNSET:
        print("rating:", updated.exif_info.rating)

    # The converter turns models into wire JSON (camelCase) and back.
    wire = converter.unstructure(updated)
    print(sorted(wire)[:3])
    again = converter.structure(wire, AssetResponseDto)
    assert again == updated

    # Reprs leave out UNSET fields, so they stay readable.
    print(repr(client.server.get_server_version()))
