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


def test_the_deadline_defaults_to_a_few_seconds_over_the_configured_timeouts(tmp_path):
    assert config.load(None)["operator.deadline_s"] == 3.0 + 10.0 + config.DEADLINE_MARGIN_S
    assert OperatorClient.from_config(config.load(None), base_url="http://127.0.0.1:9").deadline_s \
        == 3.0 + 10.0 + config.DEADLINE_MARGIN_S
    settings = load(tmp_path, """
[operator]
connect_timeout_s = 5
read_timeout_s = 60
""")
    assert settings["operator.deadline_s"] == 65 + config.DEADLINE_MARGIN_S


def test_a_configured_deadline_is_used(tmp_path):
    settings = load(tmp_path, """
[operator]
connect_timeout_s = 2
read_timeout_s = 5
deadline_s = 9.5
""")
    client = OperatorClient.from_config(settings, base_url="http://127.0.0.1:9")
    assert client.deadline_s == 9.5


@pytest.mark.parametrize(("value", "reason"), [
    ("13", "must be above connect_timeout_s + read_timeout_s (13.0); got 13"),
    ("4", "must be above connect_timeout_s + read_timeout_s (13.0); got 4"),
    ('"soon"', "expected integer or number, got str"),
    ("0", "must be at least 1; got 0"),
])
def test_a_deadline_not_above_the_timeouts_is_refused(tmp_path, value, reason):
    with pytest.raises(config.ConfigError) as caught:
        load(tmp_path, f"[operator]\ndeadline_s = {value}\n")
    assert caught.value.problems == [f"{tmp_path / 'kiosk.toml'}: operator.deadline_s: {reason}"]
