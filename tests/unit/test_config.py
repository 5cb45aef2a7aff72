from pathlib import Path

import pytest

from kiosk import config
from kiosk.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "kiosk.example.toml"


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_is_the_demo():
    cfg = config.load(None)
    assert cfg.is_demo
    assert cfg["operator.backend"] == "simulator"
    assert cfg["kiosk.timezone"] == "Europe/Moscow"


def test_example_file_is_valid():
    cfg = config.load(EXAMPLE)
    assert not cfg.is_demo
    assert cfg["operator.url"].startswith("https://")
    assert cfg["printer.usb_vendor_id"] == 0x04B8


def test_every_problem_is_reported_with_file_and_key(tmp_path):
    path = write(
        tmp_path,
        """
[kiosk]
timezone = "Mars/Olympus"
colour = "red"
[operator]
backend = "http"
read_timeout_s = 500
[ui]
width = "wide"
[payment]
methods = ["card", "barter"]
[printer]
profile = "TM-NOPE"
[nonsense]
x = 1
""",
    )
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    problems = info.value.problems
    expected = [
        "kiosk.timezone: unknown timezone",
        "kiosk.colour: unknown key",
        "operator.read_timeout_s: must be at most 120",
        "ui.width: expected integer, got str",
        "payment.methods: unknown payment method",
        "printer.profile: unknown printer profile 'TM-NOPE'",
        "nonsense: unknown section",
        "operator.kiosk_key: missing secret",
        "operator.url: required when operator.backend is http",
        "maintenance.pin: missing secret",
    ]
    for fragment in expected:
        assert any(p.startswith(f"{path}: {fragment}") for p in problems), fragment
    assert len(problems) == len(expected)


def test_bool_is_not_a_number(tmp_path):
    path = write(tmp_path, "[ui]\nwidth = true\n[maintenance]\npin = '1234'\n")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems == [f"{path}: ui.width: expected integer, got true/false"]


def test_broken_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[kiosk\nid = 1")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems[0].startswith(f"{path}: not valid TOML")


def test_check_config_command(tmp_path, capsys):
    good = write(tmp_path, "[maintenance]\npin = '739154'\n")
    assert main(["check-config", str(good)]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[ui]\nidle_timeout_s = 1\n[maintenance]\npin = '739154'\n")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{bad}: ui.idle_timeout_s: must be at least 10; got 1"]
    assert main(["check-config", str(tmp_path / "missing.toml")]) == 2


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("kiosk ")
