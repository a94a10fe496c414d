"""TLS: verification is on by default, ``verify=`` takes a CA bundle path, and credentials
sent in the clear to another machine are warned about.

The HTTPS server is the fault proxy with a certificate from a throw-away CA (made with
the ``openssl`` command), in front of ``FakeImmich.serve()``.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import certifi
import httpx
import pytest

import immich
from immich import APIConnectionError, Client, InsecureTransportWarning
from immich._http import tls
from immich._http.tls import ssl_context
from immich.testing import FakeImmich
from tests.faults.injector import FaultPlan, FaultProxy
from tests.faults.support import Certificates, make_certificates
from tests.helpers import login_json

pytestmark = pytest.mark.usefixtures("no_sleep")

Connect = Callable[..., Client]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    made = make_certificates(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("needs the openssl command to make certificates")
    return made


@pytest.fixture
def https_url(certificates: Certificates) -> Iterator[str]:
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(certificates.cert, certificates.key)
    fake = FakeImmich()
    with fake.serve() as upstream, FaultProxy(upstream, FaultPlan(), tls=server_side) as url:
        yield url


def test_a_ca_bundle_path_is_trusted(https_url: str, certificates: Certificates) -> None:
    assert https_url.startswith("https://127.0.0.1:")
    with Client(https_url, verify=str(certificates.ca)) as client:
        version = client.server.get_server_version()
    assert version.major >= 2


def test_verification_is_on_by_default(https_url: str, connect: Connect) -> None:
    client = connect(None, https_url, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.server.get_server_version()
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_another_bundle_does_not_trust_the_server(https_url: str, connect: Connect) -> None:
    client = connect(None, https_url, verify=certifi.where(), max_retries=0)
    with pytest.raises(APIConnectionError):
        client.server.get_server_version()


def test_verification_can_be_turned_off(https_url: str) -> None:
    with Client(https_url, verify=False) as client:
        assert (client.server.get_server_version()).major >= 2


def test_ssl_contexts_verify_by_default_and_load_bundles(certificates: Certificates) -> None:
    for verify in (True, certifi.where(), str(certificates.ca), certificates.ca):
        context = ssl_context(verify)
        assert context.verify_mode is ssl.CERT_REQUIRED
        assert context.check_hostname
    assert ssl_context(True) is ssl_context(True)  # one per process
    unverified = ssl_context(False)
    assert unverified.verify_mode is ssl.CERT_NONE
    assert not unverified.check_hostname
    loaded = ssl_context(str(certificates.ca))
    assert [c["subject"] for c in loaded.get_ca_certs()] == [
        ((("commonName", "immich SDK test CA"),),)
    ]


@pytest.fixture
def fresh_trust(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """The per-process default context made again, under the environment the test sets."""
    tls._trusted.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    tls._trusted.cache_clear()


def test_ssl_cert_file_is_trusted(
    https_url: str, certificates: Certificates, fresh_trust: pytest.MonkeyPatch
) -> None:
    """A private CA named the way curl, requests and httpx take it."""
    fresh_trust.setenv("SSL_CERT_FILE", str(certificates.ca))
    with Client(https_url) as client:
        assert (client.server.get_server_version()).major >= 2


def test_an_ssl_context_of_ones_own_is_used(https_url: str, certificates: Certificates) -> None:
    context = ssl.create_default_context(cafile=str(certificates.ca))
    with Client(https_url, verify=context) as client:
        assert (client.server.get_server_version()).major >= 2


def test_a_failed_certificate_check_is_not_retried(https_url: str, connect: Connect) -> None:
    attempts = []

    def count(request: httpx.Request) -> None:
        attempts.append(request)

    client = connect(None, https_url, max_retries=3)
    client.http_client.event_hooks["request"].append(count)
    with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        client.server.get_server_version()
    assert len(attempts) == 1


def test_a_missing_bundle_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(immich.ConfigurationError, match=r"missing\.pem"):
        Client("https://127.0.0.1:2283", verify=str(missing))


@pytest.mark.parametrize(
    "url",
    [
        "http://photos.example.com:2283",
        "http://192.168.1.10:2283",
        "http://10.0.0.5",
        "http://immich.local",
        "http://[fd00::1]:2283",
    ],
)
@pytest.mark.parametrize("credential", ["api_key", "access_token", "session_cookie"])
def test_credentials_in_the_clear_to_another_machine_warn(url: str, credential: str) -> None:
    with pytest.warns(InsecureTransportWarning, match="plain HTTP") as caught:
        Client(url, **{credential: "SECRET-value"})  # type: ignore[arg-type]
    assert "SECRET" not in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the line that made the client


@pytest.mark.parametrize(
    "url",
    [
        "https://photos.example.com",
        "http://127.0.0.1:2283",
        "http://127.8.9.10:2283",
        "http://localhost:2283",
        "http://immich.localhost",
        "http://[::1]:2283",
    ],
)
@pytest.mark.filterwarnings("error::immich.InsecureTransportWarning")
def test_no_warning_for_https_or_loopback(url: str) -> None:
    Client(url, api_key="key")


@pytest.mark.filterwarnings("error::immich.InsecureTransportWarning")
def test_no_warning_without_credentials() -> None:
    Client("http://photos.example.com:2283")


def test_a_password_login_in_the_clear_warns(connect: Connect) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(201, json=login_json()))
    client = connect(transport, "http://photos.example.com:2283")
    with pytest.warns(InsecureTransportWarning):
        client.login("admin@example.com", "password")


def test_the_warning_is_exported_and_a_user_warning() -> None:
    assert immich.InsecureTransportWarning is InsecureTransportWarning
    assert issubclass(InsecureTransportWarning, UserWarning)
