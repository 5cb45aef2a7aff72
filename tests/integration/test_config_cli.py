"""Every command that takes ``--config`` reads it, and a refused file or a bad option is one
line per problem on stderr and exit 2, never a traceback: run as real processes, as an
installer would from a shell."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Commands that must read --config; none of them may start anything with a refused file.
COMMANDS = [
    ("demo", "--headless"),
    ("demo",),
    ("recover",),
    ("journal", "export"),
    ("run",),
    ("check-config",),
    ("faults",),
]


def kiosk(tmp_path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path / "data")}
    env.pop("DISPLAY", None)
    env.pop("KIOSK_CRASH_AT", None)
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)


def write(tmp_path, text: str, name: str = "kiosk.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_file_that_is_not_toml_is_refused_by_every_command(tmp_path, command):
    broken = write(tmp_path, "this is not [toml\n", "broken.toml")
    result = kiosk(tmp_path, "--config", str(broken), *command)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{broken}: not valid TOML"), lines
    assert "final:" not in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_problem_of_a_refused_file_is_one_line(tmp_path, command):
    bad = write(tmp_path, '[kiosk]\nid = ""\n[ui]\nidle_timeout_s = 1\n', "bad.toml")
    result = kiosk(tmp_path, "--config", str(bad), *command)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith(f"{bad}: ") for line in lines), lines
    assert any(line.startswith(f"{bad}: kiosk.id: ") for line in lines), lines
    assert any(line.startswith(f"{bad}: ui.idle_timeout_s: ") for line in lines), lines


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_log_level_is_one_line(tmp_path, command):
    result = kiosk(tmp_path, "--log-level", "bogus", *command)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bogus" in lines[0], lines


def test_an_unknown_command_is_one_line(tmp_path):
    result = kiosk(tmp_path, "nonsense")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_headless_demo_uses_the_files_values(tmp_path):
    demo = write(tmp_path, 'demo = true\n[kiosk]\nid = "TEST-07"\n'
                 'support_contact = "+7 999 111-22-33"\n')
    result = kiosk(tmp_path, "--config", str(demo), "demo", "--headless")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "final: done"
    assert "Support: +7 999 111-22-33" in result.stdout


def test_demo_with_a_production_file_still_runs_on_the_simulators(tmp_path):
    production = write(tmp_path, '[kiosk]\nid = "SVO-T2-07"\nsupport_contact = "+7 495 1"\n'
                       '[operator]\nbackend = "http"\nurl = "https://operator.example/api"\n'
                       'kiosk_key = "k-1"\n')
    result = kiosk(tmp_path, "--config", str(production), "demo", "--headless")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "final: done"
    assert "Support: +7 495 1" in result.stdout


def test_run_refuses_to_start_without_a_file(tmp_path):
    result = kiosk(tmp_path, "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--config" in lines[0], lines


def test_run_refuses_simulators_in_a_file_that_is_not_a_demo(tmp_path):
    production = write(tmp_path, '[operator]\nbackend = "http"\n'
                       'url = "https://operator.example/api"\nkiosk_key = "k-1"\n'
                       '[printer]\ntransport = "network"\nhost = "10.0.0.9"\n'
                       '[scanner]\nsource = "0"\n')
    result = kiosk(tmp_path, "--config", str(production), "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{production}: payment.backend: "), lines
    assert "demo" in lines[0]


def test_run_names_every_simulator_of_a_file_that_is_not_a_demo(tmp_path):
    plain = write(tmp_path, '[kiosk]\nid = "SVO-T2-07"\n')
    result = kiosk(tmp_path, "--config", str(plain), "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    keys = [line.split(": ")[1] for line in result.stderr.strip().splitlines()]
    assert keys == ["operator.backend", "payment.backend", "printer.transport",
                    "scanner.source"], result.stderr


def test_check_config_reads_the_global_option_too(tmp_path):
    good = write(tmp_path, "demo = true\n")
    result = kiosk(tmp_path, "--config", str(good), "check-config")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{good}: ok"


def test_check_config_refuses_what_run_would_refuse(tmp_path):
    plain = write(tmp_path, '[kiosk]\nid = "SVO-T2-07"\n')
    result = kiosk(tmp_path, "check-config", str(plain))
    assert result.returncode == 2
    assert any(": payment.backend: " in line for line in result.stderr.splitlines())


def test_recover_reads_the_file(tmp_path):
    demo = write(tmp_path, "demo = true\n")
    result = kiosk(tmp_path, "--config", str(demo), "recover")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "recovered: 0"


@pytest.mark.parametrize(
    "args",
    [
        ("demo", "--headless", "--lang", "bogus"),
        ("demo", "--headless", "--operator-fault", "bogus"),
        ("--data-dir", "{file}/data", "recover"),
        ("--data-dir", "{file}/data", "demo", "--headless"),
        ("journal", "export", "--out", "{file}/journal.csv"),
    ],
    ids=["lang", "operator-fault", "data-dir recover", "data-dir demo", "export out"],
)
def test_other_bad_options_are_one_line(tmp_path, args):
    a_file = write(tmp_path, "", "a-file")
    result = kiosk(tmp_path, *(arg.format(file=a_file) for arg in args))
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "final:" not in result.stdout
