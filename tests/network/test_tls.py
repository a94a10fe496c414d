"""TLS against nginx with a certificate from a private CA made by the tests: which CA
certificates ``verify=`` trusts, and a failed check that is not tried again."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from immich import APIConnectionError, ConfigurationError
from tests.faults.support import Certificates
from tests.network.conftest import SDK, CountingRelay, Nginx

REPOSITORY = Path(__file__).parents[2]


def test_a_private_ca_bundle_path_is_trusted(
    sdk: SDK, nginx: Nginx, certificates: Certificates
) -> None:
    client = sdk.client(nginx.https, verify=str(certificates.ca), max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2


def test_verify_takes_an_ssl_context(sdk: SDK, nginx: Nginx, certificates: Certificates) -> None:
    context = ssl.create_default_context(cafile=str(certificates.ca))
    client = sdk.client(nginx.https, verify=context, max_retries=0)
    assert sdk.run(client.server.get_server_version()).major >= 2


# A fresh interpreter: OpenSSL's variables are set before anything reads them, as for a
# user who sets them in the shell.
DEFAULT_VERIFY = """
import asyncio, sys
import immich

url, kind = sys.argv[1:]
if kind == "Client":
    with immich.Client(url, max_retries=0) as client:
        print(client.server.get_server_version().major)
else:
    async def main() -> None:
        async with immich.AsyncClient(url, max_retries=0) as client:
            print((await client.server.get_server_version()).major)
    asyncio.run(main())
"""


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
@pytest.mark.parametrize("kind", ["Client", "AsyncClient"])
def test_default_verification_trusts_what_openssl_is_told_to(
    kind: str,
    variable: str,
    nginx: Nginx,
    certificates: Certificates,
    ca_dir: Path,
) -> None:
    """``verify=True`` trusts the CA certificates OpenSSL is pointed at (and so the
    system's store: the same lookup, where a private CA is installed system-wide)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().endswith("_PROXY") and not name.startswith("SSL_CERT_")
    }
    environment[variable] = str(certificates.ca if variable == "SSL_CERT_FILE" else ca_dir)
    done = subprocess.run(
        [sys.executable, "-c", DEFAULT_VERIFY, nginx.https, kind],
        env=environment,
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1]
    assert int(done.stdout) >= 2


def test_a_missing_ca_bundle_is_a_configuration_error_naming_it(sdk: SDK, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(ConfigurationError) as caught:
        sdk.client("https://127.0.0.1:2283", verify=str(missing))
    assert str(missing) in str(caught.value)


def test_a_failed_certificate_check_is_not_retried(sdk: SDK, nginx: Nginx) -> None:
    """The default trust does not include the private CA: the check fails, and trying
    again cannot change that, so the one connection made is the only one."""
    relay = CountingRelay(nginx.https_port)
    with relay as port:
        client = sdk.client(f"https://127.0.0.1:{port}", max_retries=1)
        with pytest.raises(APIConnectionError) as caught:
            sdk.run(client.server.get_server_version())
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert relay.connections == 1
