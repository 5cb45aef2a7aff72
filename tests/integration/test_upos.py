"""Sber's terminal through the real adapter, which runs a fake ``sb_pilot`` as a separate
program in fresh working folders and reads the KOI8-R files it leaves (issue 15, UPOS)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import kiosk.payment.upos.sim.fake_sb_pilot as fake
from kiosk.core.money import Money
from kiosk.core.transaction import TxState
from kiosk.flow.checkout import Checkout, Retry
from kiosk.journal.store import Journal
from kiosk.payment.port import PaymentOutcome, ReturnOutcome
from kiosk.payment.upos.adapter import UposSettings, UposTerminal
from tests.fakes import NOW, FakeOperator, RecordingPrinter, demo_card
from tests.unit.test_flow_checkout import ICCID, IDENTITY, new_tx

AMOUNT = Money(70000, "RUB")


class Pilot:
    """The fake program's folder: what it is told to do, and what it remembers doing."""

    def __init__(self, root: Path) -> None:
        self.state = root / "state"
        self.state.mkdir()

    def script(self, *outcomes: str) -> None:
        (self.state / "script").write_text("".join(f"{o}\n" for o in outcomes))

    def ledger(self) -> list[dict]:
        path = self.state / "ledger.json"
        return json.loads(path.read_text()) if path.exists() else []


@pytest.fixture
def pilot(tmp_path, monkeypatch):
    made = Pilot(tmp_path)
    monkeypatch.setenv("FAKE_SB_PILOT_STATE", str(made.state))
    return made


def terminal(tmp_path: Path, timeout_s: float = 60.0, with_config: bool = True) -> UposTerminal:
    executable = tmp_path / "sb_pilot"
    executable.write_text(f"#!/bin/sh\nexec {sys.executable} {fake.__file__} \"$@\"\n")
    executable.chmod(0o755)
    config = tmp_path / "pilot-config"
    config.mkdir(exist_ok=True)
    if with_config:
        (config / "pinpad.ini").write_text("[pinpad]\nComPort=99\n")
    return UposTerminal(UposSettings(executable, config, tmp_path / "upos", timeout_s=timeout_s,
                                     query_timeout_s=60.0))


def pay(term: UposTerminal, reference: str = "tx-1"):
    prompts = []
    return term.authorise(reference, AMOUNT, prompts.append), prompts


def test_an_approval_is_read_from_the_result_file_with_its_slip(tmp_path, pilot):
    result, prompts = pay(terminal(tmp_path))
    assert result.outcome is PaymentOutcome.APPROVED
    [entry] = pilot.ledger()
    assert (result.auth_code, result.rrn) == (entry["auth_code"], entry["rrn"])
    assert result.card_masked == "220220******4242"
    assert "ОДОБРЕНО" in result.slip_lines and f"RRN: {entry['rrn']}" in result.slip_lines
    assert [p.code for p in prompts] == ["present_card"]
    runs = list((tmp_path / "upos" / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "pinpad.ini").is_symlink()  # a fresh folder per run


@pytest.mark.parametrize(("outcome", "expected", "reason"), [
    ("decline", PaymentOutcome.DECLINED, "4134"),
    ("cancel", PaymentOutcome.CANCELLED, "2000"),
])
def test_a_refusal_is_what_the_file_says(tmp_path, pilot, outcome, expected, reason):
    pilot.script(outcome)
    result, _ = pay(terminal(tmp_path))
    assert (result.outcome, result.reason) == (expected, reason)


def test_the_exit_status_is_never_taken_for_the_outcome(tmp_path, pilot):
    pilot.script("exit_lies")  # approved, and exits 1
    assert pay(terminal(tmp_path))[0].outcome is PaymentOutcome.APPROVED


def test_a_result_written_in_utf8_is_still_read(tmp_path, pilot):
    pilot.script("utf8")
    assert pay(terminal(tmp_path))[0].outcome is PaymentOutcome.APPROVED


@pytest.mark.parametrize("outcome", ["missing", "garbage", "approve_then_hang"])
def test_an_unclear_ending_is_unknown_then_settled_by_the_last_operation(tmp_path, pilot,
                                                                         outcome):
    pilot.script(outcome)
    term = terminal(tmp_path, timeout_s=3)  # a bound for the hang, never a measure
    result, _ = pay(term)
    assert result.outcome is PaymentOutcome.UNKNOWN
    asked = term.query("tx-1")
    assert asked.outcome is PaymentOutcome.APPROVED
    assert asked.rrn == pilot.ledger()[-1]["rrn"]
    assert term.query("tx-1").outcome is PaymentOutcome.APPROVED  # and remembered


def test_a_run_that_hung_before_doing_anything_was_not_charged(tmp_path, pilot):
    term = terminal(tmp_path, timeout_s=3)
    assert pay(term, "tx-0")[0].outcome is PaymentOutcome.APPROVED  # an earlier sale, same sum
    pilot.script("hang")
    assert pay(term)[0].outcome is PaymentOutcome.UNKNOWN
    assert term.query("tx-1").outcome is PaymentOutcome.NOT_FOUND  # its last one is tx-0
    assert len(pilot.ledger()) == 1


def test_a_sale_the_terminal_never_started_is_not_found(tmp_path, pilot):
    assert terminal(tmp_path).query("tx-9").outcome is PaymentOutcome.NOT_FOUND


def test_without_its_config_files_the_program_takes_no_money(tmp_path, pilot):
    result, _ = pay(terminal(tmp_path, with_config=False))
    assert result.outcome is PaymentOutcome.DECLINED and pilot.ledger() == []


def test_reversal_and_refund_go_by_the_charges_rrn(tmp_path, pilot):
    term = terminal(tmp_path)
    first, _ = pay(term, "tx-1")
    pay(term, "tx-2")
    assert term.query_return("tx-1", "reversal").outcome is ReturnOutcome.NOT_FOUND
    assert term.reverse("tx-1").outcome is ReturnOutcome.DONE
    assert term.query_return("tx-1", "reversal").outcome is ReturnOutcome.DONE
    assert term.refund("tx-2", AMOUNT, "tx-2-R").outcome is ReturnOutcome.DONE
    assert term.query_return("tx-2", "refund", "tx-2-R").outcome is ReturnOutcome.DONE
    kinds = [(e["kind"], e["of_rrn"]) for e in pilot.ledger()]
    assert kinds[2] == ("cancel", first.rrn)
    assert kinds[3][0] == "refund"
    assert term.reverse("tx-9").outcome is ReturnOutcome.REFUSED  # never charged here
    recent = {r.reference: r.returned for r in term.recent()}
    assert recent == {"tx-1": "reversal", "tx-2": "refund"}


def test_a_failed_renewal_is_reversed_through_the_program(tmp_path, pilot):
    journal = Journal(tmp_path / "journal.sqlite", now=lambda: NOW)
    try:
        term = terminal(tmp_path)
        checkout = Checkout(journal, term, FakeOperator(demo_card(ICCID), "fail"),
                            RecordingPrinter(), IDENTITY, retry=Retry(attempts=2),
                            sleep=lambda _s: None, now=lambda: NOW)
        new_tx(journal)
        tx = checkout.drive("tx-1")
        assert tx.state is TxState.REVERSED
        assert [e["kind"] for e in pilot.ledger()] == ["pay", "cancel"]
    finally:
        journal.close()


def test_status_says_when_the_program_is_missing(tmp_path):
    term = terminal(tmp_path)
    assert term.status().ready
    term.settings.executable.unlink()
    assert not term.status().ready
