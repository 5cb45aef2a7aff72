"""The ZVT adapter as the kiosk builds it: the composition root with ``backend = "zvt"``
(in a demo, against the terminal simulator on loopback), the headless demo end to end, and
``kiosk terminal-sim`` as its own process."""

from __future__ import annotations

import subprocess
import sys

from kiosk import app, config
from kiosk.cli import main
from kiosk.core.money import Money
from kiosk.core.sale import PaymentMethod
from kiosk.payment.port import PaymentOutcome
from kiosk.payment.zvt.adapter import ZvtSettings, ZvtTerminal

DEMO_ZVT = """
demo = true
[payment]
backend = "zvt"
[payment.zvt]
password = "424242"
"""


def write(tmp_path, text):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_build_wires_the_zvt_adapter_to_the_simulator_in_a_demo(tmp_path):
    cfg = config.load(write(tmp_path, DEMO_ZVT))
    kiosk = app.build(cfg, tmp_path / "data")
    try:
        terminal = kiosk.payments[PaymentMethod.CARD]
        assert isinstance(terminal, ZvtTerminal)
        prompts = []
        result = terminal.authorise("w1", Money(990, "RUB"), prompts.append)
        assert result.outcome is PaymentOutcome.APPROVED
        assert prompts and prompts[0].code == "present_card"
        sim = kiosk.simulators["zvt"]
        assert [r["amount_minor"] for r in sim.ledger.rows()] == [990]
        assert (tmp_path / "data" / "zvt" / "refs.sqlite").exists()
    finally:
        kiosk.close()


def test_headless_demo_renews_through_zvt(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "data"), "--config",
                 str(write(tmp_path, DEMO_ZVT)), "demo", "--headless"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().splitlines()[-1].split()[-1] == "done", out


def test_terminal_sim_command_serves_a_kiosk(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path), "terminal-sim",
         "--port", "0", "--currency", "EUR", "--amount", "777=decline"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("ZVT terminal simulator listening on 127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        terminal = ZvtTerminal(ZvtSettings("127.0.0.1", port), tmp_path / "refs.sqlite")
        ok = terminal.authorise("c1", Money(100, "EUR"), lambda p: None)
        no = terminal.authorise("c2", Money(777, "EUR"), lambda p: None)
        assert (ok.outcome, no.outcome) == (PaymentOutcome.APPROVED, PaymentOutcome.DECLINED)
        assert terminal.status().ready
        terminal.close()
    finally:
        proc.terminate()
        proc.wait(20)
    assert (tmp_path / "zvt-sim" / "ledger.sqlite").exists()


def test_a_demo_file_can_talk_to_a_terminal_simulator_of_its_own(tmp_path):
    """``demo_simulator = false``: the demo kiosk pays at the terminal at host:port (here a
    simulator running apart, as ``kiosk terminal-sim`` would), not at one it starts itself."""
    from kiosk.payment.zvt import messages as m
    from kiosk.payment.zvt.sim.terminal import TerminalSimulator

    sim = TerminalSimulator(tmp_path / "apart" / "ledger.sqlite", "424242", m.RUB).start()
    try:
        host, port = sim.address
        path = write(tmp_path, DEMO_ZVT + f'host = "{host}"\nport = {port}\n'
                                          "demo_simulator = false\n")
        done = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--data-dir", str(tmp_path / "data"),
             "--config", str(path), "demo", "--headless"],
            capture_output=True, text=True, timeout=300, check=False)
        assert done.stdout.strip().splitlines()[-1] == "final: done", done.stderr[-2000:]
        assert [r["status"] for r in sim.ledger.rows()] == ["approved"]
        assert not (tmp_path / "data" / "zvt-sim").exists()  # no simulator of its own
    finally:
        sim.stop()
