from pathlib import Path

import pytest

from kiosk import config
from kiosk.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "kiosk.example.toml"
DEMO_EXAMPLE = EXAMPLE.with_name("kiosk.demo.toml")


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
    # The example file still names the payment simulator, which takes no real money.
    with pytest.raises(config.ConfigError) as info:
        config.check_runnable(cfg)
    assert [p.split(": ")[1] for p in info.value.problems] == ["payment.backend"]


def test_demo_example_file_runs():
    cfg = config.load(DEMO_EXAMPLE)
    assert cfg.is_demo
    config.check_runnable(cfg)


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
    ]
    for fragment in expected:
        assert any(p.startswith(f"{path}: {fragment}") for p in problems), fragment
    assert len(problems) == len(expected)


def test_bool_is_not_a_number(tmp_path):
    path = write(tmp_path, "[ui]\nwidth = true\n")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems == [f"{path}: ui.width: expected integer, got true/false"]


def test_broken_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[kiosk\nid = 1")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems[0].startswith(f"{path}: not valid TOML")


def test_check_config_command(tmp_path, capsys):
    good = write(tmp_path, "demo = true\n")
    assert main(["check-config", str(good)]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("demo = true\n[ui]\nidle_timeout_s = 15\n")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{bad}: ui.idle_warning_s: must be below ui.idle_timeout_s (15); got 15"]
    assert main(["check-config", str(tmp_path / "missing.toml")]) == 2


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("kiosk ")


def problems_of(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    prefix = f"{path}: "
    assert all(p.startswith(prefix) and "\n" not in p for p in info.value.problems)
    return [p[len(prefix):] for p in info.value.problems]


def refused(tmp_path, text, key):
    """The one problem ``text`` has, which names ``key``; returns its reason."""
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(f"{key}: "), problems
    return problems[0][len(key) + 2:]


PRODUCTION = """
[operator]
backend = "http"
url = "https://operator.example/api/v1"
kiosk_key = "k-1"
"""


@pytest.mark.parametrize("number", ["nan", "inf", "-inf", "+nan"])
def test_nan_and_infinity_are_refused(tmp_path, number):
    reason = refused(tmp_path, f"[operator]\nread_timeout_s = {number}\n",
                     "operator.read_timeout_s")
    assert "finite" in reason


@pytest.mark.parametrize("kiosk_id", ["", "SVO T2", "SVO-\u0422", "a\\nb", "A" * 33, "x\\ty"])
def test_a_kiosk_id_that_a_header_cannot_carry_is_refused(tmp_path, kiosk_id):
    reason = refused(tmp_path, f'[kiosk]\nid = "{kiosk_id}"\n', "kiosk.id")
    assert "printable ASCII" in reason


def test_a_short_printable_kiosk_id_is_taken(tmp_path):
    assert config.load(write(tmp_path, "[kiosk]\nid = 'SVO-T2_07.a'\n"))["kiosk.id"] == \
        "SVO-T2_07.a"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [("http://operator.example/api", "https"), ("https:///api", "host"),
     ("https://", "host"), ("https://:443/x", "host")],
)
def test_operator_urls_must_be_https_with_a_host(tmp_path, url, fragment):
    text = PRODUCTION.replace("https://operator.example/api/v1", url)
    assert fragment in refused(tmp_path, text, "operator.url")


def test_a_demo_file_may_talk_to_a_local_operator_over_http(tmp_path):
    text = "demo = true\n" + PRODUCTION.replace("https://operator.example/api/v1",
                                                "http://127.0.0.1:8080")
    cfg = config.load(write(tmp_path, text))
    assert cfg.is_demo and cfg["operator.url"] == "http://127.0.0.1:8080"


def test_tls_verification_is_only_off_in_a_demo(tmp_path):
    assert "demo" in refused(tmp_path, PRODUCTION + "verify_tls = false\n", "operator.verify_tls")
    assert config.load(write(tmp_path, "demo = true\n" + PRODUCTION + "verify_tls = false\n"))


def test_a_ca_bundle_must_exist(tmp_path):
    assert "no such file" in refused(tmp_path, PRODUCTION + "ca_bundle = 'nope.pem'\n",
                                     "operator.ca_bundle")
    (tmp_path / "ca.pem").write_text("x")
    cfg = config.load(write(tmp_path, PRODUCTION + "ca_bundle = 'ca.pem'\n"))
    assert cfg["operator.ca_bundle"] == str(tmp_path / "ca.pem")  # beside the file


def test_the_idle_warning_comes_before_the_timeout(tmp_path):
    reason = refused(tmp_path, "[ui]\nidle_timeout_s = 20\nidle_warning_s = 20\n",
                     "ui.idle_warning_s")
    assert "idle_timeout_s" in reason


def test_the_demo_flag_is_true_or_false(tmp_path):
    assert "true/false" in refused(tmp_path, "demo = 'yes'\n", "demo")


@pytest.mark.parametrize("mode", ["assisted"])
def test_staff_modes_are_not_available_yet(tmp_path, mode):
    assert "not available in this version" in refused(tmp_path, f"[kiosk]\nmode = '{mode}'\n",
                                                      "kiosk.mode")


def test_the_maintenance_section_is_not_available_yet(tmp_path):
    problems = problems_of(tmp_path, "[maintenance]\npin = '739154'\n")
    assert problems == ["maintenance: not available in this version (there is no maintenance "
                        "mode yet); remove the section"]


@pytest.mark.parametrize("pin", ["12345", "12345a", "１２３４５６", ""])
def test_a_maintenance_pin_is_six_digits_or_more(tmp_path, pin):
    problems = problems_of(tmp_path, f"[maintenance]\npin = '{pin}'\n")
    assert any(p.startswith("maintenance.pin: ") for p in problems), problems


def test_keys_no_code_reads_are_refused(tmp_path):
    assert "not available in this version" in refused(tmp_path, "[payment]\ntimeout_s = 60\n",
                                                      "payment.timeout_s")


def test_files_over_a_megabyte_are_refused(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(config.ConfigError) as info:
        config.load(path)
    assert info.value.problems == [f"{path}: larger than 1 MB; not a configuration file"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[kiosk.id]\nx = 1\n", "kiosk.id"),
        ("[kiosk]\nid = ['a']\n", "kiosk.id"),
        ("[[kiosk]]\nid = 'a'\n", "kiosk"),
        ("[payment]\nmethods = [['card']]\n", "payment.methods"),
        ("[payment]\nmethods = [{a = 1}]\n", "payment.methods"),
        ("kiosk = 3\n", "kiosk"),
        ("demo = {a = 1}\n", "demo"),
    ],
)
def test_nesting_deeper_than_the_schema_is_refused(tmp_path, text, key):
    refused(tmp_path, text, key)


def test_a_deeply_nested_array_is_refused_not_a_crash(tmp_path):
    problems = problems_of(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert len(problems) == 1 and "nested" in problems[0]


def test_odd_keys_stay_on_one_line(tmp_path):
    problems = problems_of(tmp_path, '[kiosk]\n"a\\nb" = 1\n')
    assert problems == ["kiosk.'a\\nb': unknown key"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[printer]\ntransport = 'file'\n", "printer.path"),
        ("[printer]\ntransport = 'serial'\n", "printer.serial_device"),
        ("[printer]\ntransport = 'usb'\n", "printer.usb_vendor_id"),
    ],
)
def test_a_printer_transport_needs_its_address(tmp_path, text, key):
    problems = problems_of(tmp_path, text)
    assert problems and problems[0].startswith(f"{key}: "), problems


def test_run_refuses_simulators_unless_the_file_is_a_demo(tmp_path):
    cfg = config.load(write(tmp_path, PRODUCTION))
    with pytest.raises(config.ConfigError) as info:
        config.check_runnable(cfg)
    keys = [p.split(": ")[1] for p in info.value.problems]
    assert keys == ["payment.backend", "printer.transport", "scanner.source"]
    config.check_runnable(config.load(write(tmp_path, "demo = true\n")))
    with pytest.raises(config.ConfigError):
        config.check_runnable(config.load(None))  # no file: only `kiosk demo` runs that


def test_the_demo_command_runs_any_valid_file_on_the_simulators(tmp_path):
    cfg = config.load(write(tmp_path, PRODUCTION + "[kiosk]\nid = 'SVO-1'\n")).as_demo()
    assert cfg.is_demo and cfg["kiosk.id"] == "SVO-1"
    assert cfg["operator.backend"] == "simulator" and cfg["printer.transport"] == "virtual"


def test_a_number_too_long_to_read_is_refused_not_a_crash(tmp_path):
    problems = problems_of(tmp_path, "[ui]\nwidth = " + "1" * 5000 + "\n")
    assert len(problems) == 1 and problems[0].startswith("not valid TOML"), problems


def test_a_huge_hex_number_is_refused_in_a_short_line(tmp_path):
    reason = refused(tmp_path, "[ui]\nwidth = 0x" + "f" * 5000 + "\n", "ui.width")
    assert reason.startswith("must be at most 7680") and len(reason) < 200, reason


def test_a_huge_value_is_shown_shortened(tmp_path):
    reason = refused(tmp_path, f"[kiosk]\ntimezone = '{'x' * 100_000}'\n", "kiosk.timezone")
    assert reason.startswith("unknown timezone 'xxx") and len(reason) < 200, reason


def test_a_huge_key_is_shown_shortened(tmp_path):
    problems = problems_of(tmp_path, f"[kiosk]\n{'k' * 100_000} = 1\n")
    assert len(problems) == 1 and problems[0].endswith(": unknown key")
    assert len(problems[0]) < 200
