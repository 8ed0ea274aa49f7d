"""The relay's own HTTPS (--tls-cert/--tls-key) with a test certificate authority
(trustme): a client that trusts the CA gets its answers; plain HTTP and a client that does
not trust the certificate get none."""

from __future__ import annotations

import ssl

import httpx
import pytest
import trustme

from studio_comm.relay.server import RelayProcess
from tests.relay.support import KEY, STUDIO, body


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "relay.crt", folder / "relay.key"
    server.cert_chain_pems[0].write_to_path(cert)
    for pem in server.cert_chain_pems[1:]:
        pem.write_to_path(cert, append=True)
    server.private_key_pem.write_to_path(key)
    key.chmod(0o600)
    return ca, cert, key


@pytest.mark.parametrize("workers", [1, 2])
def test_the_relay_serves_https_with_its_own_certificate(tmp_path, keys_file, certificate, workers):
    ca, cert, key = certificate
    with RelayProcess(tmp_path / "journal.sqlite", keys_file, workers=workers, tls_cert=cert, tls_key=key) as relay:
        assert relay.url.startswith("https://127.0.0.1:")
        trusting = ssl.create_default_context()
        ca.configure_trust(trusting)
        with httpx.Client(verify=trusting, timeout=30) as client:
            answer = client.post(f"{relay.url}/webhooks/{STUDIO}", json=body(), headers={"X-API-KEY": KEY})
            assert (answer.status_code, answer.json()) == (200, {"stored": 1, "duplicates": 0})
            assert client.get(f"{relay.url}/healthz").status_code == 200
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.post(f"{relay.url}/webhooks/{STUDIO}", json=body(), headers={"X-API-KEY": KEY}, timeout=30)
        plain = relay.url.replace("https://", "http://")
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{plain}/webhooks/{STUDIO}", json=body(), headers={"X-API-KEY": KEY}, timeout=30)
        assert KEY not in relay.log()
