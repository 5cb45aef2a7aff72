"""The headless demo and the journal commands, run as a person would from a shell (in-process
through the real CLI entry point, against the real simulators on loopback)."""

import csv
import io

import pytest

from kiosk.cli import main
from kiosk.provider import demo_data


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr().out
    return code, out.strip().splitlines()


def test_list_shows_cards_and_offers(capsys):
    code, lines = run(capsys, "demo", "--headless", "--list")
    assert code == 0
    assert any(demo_data.ICCID_BLOCKED in line and "blocked" in line for line in lines)
    assert sum(line.startswith("offer ") for line in lines) == len(demo_data.OFFERS)


@pytest.mark.parametrize(
    ("args", "final"),
    [
        ((), "done"),
        (("--pay", "decline"), "declined"),
        (("--pay", "approve_then_lost"), "done"),
        (("--card", demo_data.ICCID_BLOCKED), "card_blocked"),
        (("--card", demo_data.ICCID_UNKNOWN), "card_unknown"),
        (("--card", demo_data.ICCID_NO_PHONE), "done"),
        (("--operator-fault", "renewal_failed"), "reversed"),
        (("--operator-fault", "renewal_failed", "--refuse-reversal"), "refunded"),
    ],
)
def test_every_branch_from_a_shell(capsys, args, final):
    code, lines = run(capsys, "demo", "--headless", *args)
    assert code == 0
    assert lines[-1] == f"final: {final}"


def test_done_prints_the_receipt_the_printer_received(capsys):
    _, lines = run(capsys, "demo", "--headless", "--lang", "ru")
    receipt = lines[lines.index("----- receipt (as the printer received it) -----"):]
    assert any("SIM-карта" in line and demo_data.ICCID_ACTIVE[-4:] in line for line in receipt)
    assert not any(demo_data.ICCID_ACTIVE in line for line in lines)


def test_journal_export_is_masked(capsys, tmp_path):
    run(capsys, "demo", "--headless")
    run(capsys, "demo", "--headless", "--pay", "decline")
    out = tmp_path / "journal.csv"
    code, _ = run(capsys, "journal", "export", "--out", str(out))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(r["state"] for r in rows) == ["declined", "done"]
    text = out.read_text()
    assert demo_data.ICCID_ACTIVE not in text and demo_data.PHONE_ACTIVE not in text
    assert all(r["iccid"] == "****" + demo_data.ICCID_ACTIVE[-4:] for r in rows)


def test_recover_with_nothing_to_do(capsys):
    code, lines = run(capsys, "recover")
    assert code == 0 and lines[-1] == "recovered: 0"


def test_faults_lists_every_step(capsys):
    from kiosk.faults import STEPS

    _, lines = run(capsys, "faults")
    assert [line.split()[0] for line in lines] == list(STEPS)


def test_demo_without_a_display_says_so_and_how_to_get_one(tmp_path):
    """Over ssh or in a container ``kiosk demo`` ran with no window and no word."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    try:
        done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--data-dir",
                               str(tmp_path / "data"), "demo"], env=env, capture_output=True,
                              text=True, timeout=120, check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"kiosk demo ran on with no display and said: {exc.stderr!r}")
    assert done.returncode == 2
    assert "no display" in done.stderr
    assert "xvfb-run" in done.stderr and "kiosk demo --headless" in done.stderr
    assert "Traceback" not in done.stderr
