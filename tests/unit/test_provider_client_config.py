"""The client built from the kiosk's configuration: URL, key, timeouts and TLS settings."""

from pathlib import Path

import pytest

from kiosk import config
from kiosk.provider.client import OperatorClient
from kiosk.provider.demo_data import DEMO_KIOSK_ID, DEMO_KIOSK_KEY


def load(tmp_path: Path, text: str) -> config.Config:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def test_demo_configuration_uses_the_demo_kiosk_and_verifies_tls():
    client = OperatorClient.from_config(config.load(None), base_url="http://127.0.0.1:9/")
    assert client.base_url == "http://127.0.0.1:9"
    assert client.session.auth.kiosk_id == DEMO_KIOSK_ID
    assert client.session.auth.key == DEMO_KIOSK_KEY
    assert client.session.verify is True
    assert client.timeout == (3.0, 10.0)
    assert client.currency == "RUB"


def test_http_backend_with_its_own_key_timeouts_and_ca_bundle(tmp_path):
    (tmp_path / "operator-ca.pem").write_text("a CA bundle")
    settings = load(tmp_path, """
[kiosk]
id = "SVO-T2-07"
[operator]
backend = "http"
url = "https://operator.example/api"
kiosk_key = "s3cret"
connect_timeout_s = 2
read_timeout_s = 7.5
ca_bundle = "operator-ca.pem"
""")
    client = OperatorClient.from_config(settings)
    assert client.base_url == "https://operator.example/api"
    assert (client.session.auth.kiosk_id, client.session.auth.key) == ("SVO-T2-07", "s3cret")
    assert client.timeout == (2.0, 7.5)
    assert client.session.verify == str(tmp_path / "operator-ca.pem")  # beside the file


def test_tls_verification_can_only_be_turned_off_explicitly(tmp_path):
    (tmp_path / "ignored.pem").write_text("a CA bundle")
    settings = load(tmp_path, """
demo = true  # only a demo file may turn it off
[operator]
backend = "http"
url = "https://operator.example"
kiosk_key = "k"
verify_tls = false
ca_bundle = "ignored.pem"
""")
    assert OperatorClient.from_config(settings).session.verify is False


def test_no_url_anywhere_is_refused():
    with pytest.raises(ValueError, match=r"operator\.url"):
        OperatorClient.from_config(config.load(None))
