"""The operator client over real TLS on loopback (certificates from trustme): the configured
CA bundle is the one trusted, and the overall deadline holds inside TLS records too."""

from __future__ import annotations

import ssl

import pytest
import trustme

from kiosk.core.errors import Category
from kiosk.core.renewal import RenewalStatus
from kiosk.flow.ports import OperatorError, RenewalOutcomeUnknown
from kiosk.provider import demo_data as demo
from kiosk.provider.client import OperatorClient
from tests.integration.hostile_http import HostileServer, json_answer, renewal
from tests.integration.test_provider_client_hostile import Lockstep, create


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def bundle(ca, tmp_path):
    path = tmp_path / "operator-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def elsewhere_bundle(tmp_path, monkeypatch):
    """requests lets REQUESTS_CA_BUNDLE override a session's verify: point it at another CA."""
    path = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(path))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(path))
    return str(path)


def tls_server(ca, respond) -> HostileServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    holder: dict = {}
    server = HostileServer(lambda conn, request: respond(holder["s"], conn, request), tls=context)
    holder["s"] = server
    return server


def tls_client(url: str, verify, **options) -> OperatorClient:
    return OperatorClient(url, demo.DEMO_KIOSK_ID, demo.DEMO_KIOSK_KEY, verify=verify,
                          connect_timeout_s=1.0, read_timeout_s=2.0,
                          sleep=lambda _s: None, **options)


def test_the_configured_ca_bundle_is_trusted_whatever_the_environment_says(
        ca, bundle, elsewhere_bundle):
    server = tls_server(ca, lambda s, conn, _r: s.send(conn, json_answer(200, renewal("tx-1"))))
    with server, tls_client(server.url, bundle) as c:
        assert c.get_renewal("tx-1").status is RenewalStatus.APPLIED


def test_a_certificate_from_another_ca_is_refused_and_nothing_is_read(ca, tmp_path):
    server = tls_server(ca, lambda s, conn, _r: s.send(conn, json_answer(200, renewal("tx-1"))))
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    with server, tls_client(server.url, str(other)) as c, pytest.raises(OperatorError) as caught:
        c.get_renewal("tx-1")
    assert caught.value.code == "operator_unreachable"
    assert server.requests == []


@pytest.mark.parametrize("call", ["read", "create"])
def test_a_trickle_inside_tls_ends_at_the_deadline(ca, bundle, call):
    clock = Lockstep()
    whole = json_answer(201, renewal("tx-1"))
    server = tls_server(ca, lambda s, conn, _r: clock.trickle(s, conn, whole))
    with (
        server,
        tls_client(server.url, bundle, deadline_s=5.0, monotonic=clock) as c,
        pytest.raises(OperatorError) as caught,
    ):
        c.get_renewal("tx-1") if call == "read" else create(c)
    if call == "create":
        assert isinstance(caught.value, RenewalOutcomeUnknown)
        assert caught.value.__cause__.details["reason"] == "deadline"
    else:
        assert (caught.value.code, caught.value.category) == (
            "operator_unreachable", Category.TRANSIENT)
    assert clock.bytes < len(whole) // 2
