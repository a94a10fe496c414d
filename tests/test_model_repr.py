"""Model reprs read well in a terminal and a notebook, and never show a secret."""

from __future__ import annotations

from IPython.lib.pretty import pretty

from immich import converter
from immich.models import ApiKeyCreateResponseDto, AssetResponseDto, LoginCredentialDto
from tests.helpers import asset_json

API_KEY_RECORD = {
    "id": "6c3f0c7e-1b4b-4d5e-9a57-5b0a6f7d2f10",
    "name": "backup script",
    "createdAt": "2024-01-01T00:00:00Z",
    "updatedAt": "2024-01-01T00:00:00Z",
    "permissions": ["all"],
}


def test_unset_fields_are_left_out() -> None:
    data = asset_json()
    data.pop("exifInfo", None)
    text = repr(converter.structure(data, AssetResponseDto))
    assert "UNSET" not in text
    assert "exif_info" not in text


def test_a_credential_is_masked() -> None:
    text = repr(LoginCredentialDto(email="a@example.com", password="hunter2"))
    assert text == "LoginCredentialDto(email='a@example.com', password='***')"


def test_only_the_credential_is_masked_not_a_record_named_like_one() -> None:
    created = converter.structure(
        {"apiKey": API_KEY_RECORD, "secret": "s3cr3t-value"}, ApiKeyCreateResponseDto
    )
    for text in (repr(created), pretty(created)):
        assert "s3cr3t-value" not in text
        assert "secret='***'" in text
        assert "name='backup script'" in text


def test_notebook_repr_puts_one_field_per_line_when_long() -> None:
    asset = converter.structure(asset_json(), AssetResponseDto)
    lines = pretty(asset).splitlines()
    assert lines[0] == "AssetResponseDto("
    assert all(line.startswith("    ") for line in lines[1:])
    assert "UNSET" not in pretty(asset)
    short = LoginCredentialDto(email="a@example.com", password="x")
    assert pretty(short) == repr(short)
