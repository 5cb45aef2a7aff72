"""``payment.backend = "zvt"`` and its ``[payment.zvt]`` section, through the real loader."""

from __future__ import annotations

import pytest

from kiosk import config


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    return [p[len(f"{path}: "):] for p in info.value.problems]


ZVT = """
[payment]
backend = "zvt"
[payment.zvt]
host = "10.0.0.7"
port = 20008
password = "123456"
reservation = true
ack_timeout_s = 4
"""


def test_the_section_is_read_with_its_defaults(tmp_path):
    cfg = config.load(write(tmp_path, ZVT))
    assert cfg["payment.backend"] == "zvt"
    assert cfg["payment.zvt.host"] == "10.0.0.7" and cfg["payment.zvt.port"] == 20008
    assert cfg["payment.zvt.reservation"] is True and cfg["payment.zvt.ack_timeout_s"] == 4
    assert cfg["payment.zvt.currency"] == "RUB" and cfg["payment.zvt.idle_timeout_s"] == 180.0
    assert cfg["payment.methods"] == ["card"]


def test_a_zvt_kiosk_passes_the_payment_check_of_kiosk_run(tmp_path):
    cfg = config.load(write(tmp_path, ZVT))
    with pytest.raises(config.ConfigError) as info:
        config.check_runnable(cfg)
    assert "payment.backend" not in [p.split(": ")[1] for p in info.value.problems]


@pytest.mark.parametrize(("text", "key"), [
    ('[payment.zvt]\npassword = "12345"\n', "payment.zvt.password"),
    ('[payment.zvt]\nport = 0\n', "payment.zvt.port"),
    ('[payment.zvt]\ncurrency = "USD"\n', "payment.zvt.currency"),
    ('[payment.zvt]\nhots = "x"\n', "payment.zvt.hots"),
    ('[payment]\nbackend = "zvt"\n[payment.zvt]\ncurrency = "EUR"\n', "payment.zvt.currency"),
    ('[payment]\nbackend = "zvt"\nmethods = ["card", "cash"]\n', "payment.methods"),
])
def test_each_bad_key_is_named(tmp_path, text, key):
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(f"{key}: "), problems


def test_the_demo_keeps_zvt_on_its_simulator(tmp_path):
    cfg = config.load(write(tmp_path, ZVT)).as_demo()
    assert cfg["payment.backend"] == "zvt" and cfg.is_demo
