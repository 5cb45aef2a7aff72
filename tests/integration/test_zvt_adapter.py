"""The ZVT adapter against the terminal simulator over real loopback TCP: every outcome,
every fault, money back, and unknown outcomes resolved by the terminal's own record.
Time-outs run on an injected clock: a fault that needs the adapter to give up advances it."""

from __future__ import annotations

import threading

import pytest

from kiosk.core.money import Money
from kiosk.payment.port import PaymentOutcome, ReturnOutcome
from kiosk.payment.zvt import messages as m
from kiosk.payment.zvt.adapter import ZvtSettings, ZvtTerminal
from kiosk.payment.zvt.sim.terminal import CARD, TERMINAL_ID, Fault, Outcome, TerminalSimulator
from kiosk.payment.zvt.transport import Timeouts

EUR = "EUR"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def steps():
    """Hooks the simulator calls before each step, by name."""
    return {}


@pytest.fixture
def sim(tmp_path, steps):
    terminal = TerminalSimulator(tmp_path / "sim" / "ledger.sqlite", password="123456",
                                 wait_for_card_s=30.0,
                                 step=lambda name: steps.get(name, lambda: None)()).start()
    yield terminal
    terminal.stop()


def make_adapter(tmp_path, sim, clock, reservation=True, name="refs"):
    host, port = sim.address
    settings = ZvtSettings(host, port, "123456", EUR, reservation,
                           Timeouts(connect_s=5.0, ack_s=5.0, idle_s=60.0, poll_s=0.05))
    return ZvtTerminal(settings, tmp_path / "zvt" / f"{name}.sqlite", clock=clock)


@pytest.fixture
def terminal(tmp_path, sim, clock):
    adapter = make_adapter(tmp_path, sim, clock)
    yield adapter
    adapter.close()


def pay(terminal, reference="r1", minor=1250):
    prompts = []
    result = terminal.authorise(reference, Money(minor, EUR), prompts.append)
    return result, [p.code for p in prompts]


def payments(sim):
    return [r for r in sim.ledger.rows() if r["kind"] == "payment"]


def authorisations(sim):
    return sim.commands.count((0x06, 0x01))


def test_approve_shows_prompts_keeps_the_slip_and_the_receipt(terminal, sim):
    result, prompts = pay(terminal)
    assert result.outcome is PaymentOutcome.APPROVED
    assert prompts == ["present_card", "enter_pin", "processing", "remove_card"]
    assert result.card_masked == CARD and result.terminal_id == TERMINAL_ID
    [row] = payments(sim)
    assert row["status"] == "approved" and row["amount_minor"] == 1250
    assert result.auth_code == row["auth_code"] and result.rrn == f"{row['trace']:06d}"
    assert result.slip_lines[0] == "PAYMENT" and result.slip_lines[-1] == "APPROVED"
    assert f"RECEIPT {row['receipt']:04d}  AUTH {row['auth_code']}" in result.slip_lines
    assert terminal.refs.get("r1")["receipt"] == row["receipt"]
    assert sim.registrations == 1 and sim.commands[:2] == [(0x06, 0x00), (0x06, 0x01)]


def test_decline_by_amount(terminal, sim):
    sim.script_amount(666, Outcome.DECLINE)
    result, _ = pay(terminal, minor=666)
    assert (result.outcome, result.reason) == (PaymentOutcome.DECLINED, "05")
    assert payments(sim)[0]["status"] == "declined"
    assert terminal.query("r1").outcome is PaymentOutcome.DECLINED


def test_customer_cancel_at_the_terminal(terminal, sim):
    sim.script_next(Outcome.CANCEL)
    result, prompts = pay(terminal)
    assert (result.outcome, result.reason) == (PaymentOutcome.CANCELLED, "6C")
    assert prompts == ["present_card"]
    assert payments(sim)[0]["status"] == "cancelled"


def test_abort_while_the_terminal_waits_for_the_card(terminal, sim):
    sim.script_next(Outcome.WAIT_CARD)
    shown = threading.Event()
    box = {}

    def run():
        box["result"] = terminal.authorise("r1", Money(500, EUR), lambda p: shown.set())

    thread = threading.Thread(target=run)
    thread.start()
    assert shown.wait(20)
    assert terminal.abort("r1")
    thread.join(20)
    assert box["result"].outcome is PaymentOutcome.CANCELLED
    assert (0x06, 0xB0) in sim.commands
    assert payments(sim)[0]["status"] == "cancelled"
    assert not terminal.abort("r1")  # nothing running any more


def test_nak_is_not_sent_and_nothing_is_charged(terminal, sim):
    terminal.status()  # connected and registered: the fault hits the payment
    sim.fault(Fault.NAK)
    result, _ = pay(terminal)
    assert (result.outcome, result.reason) == (PaymentOutcome.NOT_SENT, "refused_83")
    assert payments(sim) == []


def test_busy_terminal_is_not_sent(terminal, sim):
    terminal.status()
    sim.fault(Fault.BUSY)
    result, _ = pay(terminal)
    assert (result.outcome, result.reason) == (PaymentOutcome.NOT_SENT, "busy")
    assert payments(sim) == []
    again, _ = pay(terminal, "r2")
    assert again.outcome is PaymentOutcome.APPROVED


@pytest.mark.parametrize("fault", [Fault.DROP_AFTER_STATUS, Fault.DROP_BEFORE_COMPLETION])
def test_line_lost_after_the_authorisation_is_unknown_then_resolved_by_query(
        terminal, sim, fault):
    sim.fault(fault)
    result, _ = pay(terminal)
    assert (result.outcome, result.reason) == (PaymentOutcome.UNKNOWN, "no_answer")
    found = terminal.query("r1")
    assert found.outcome is PaymentOutcome.APPROVED
    [row] = payments(sim)
    assert row["status"] == "approved" and found.auth_code == row["auth_code"]
    assert authorisations(sim) == 1  # resolved by 06 20, never a second 06 01
    assert (0x06, 0x20) in sim.commands
    assert sim.registrations == 2  # the reconnect registered again
    assert terminal.query("r1").outcome is PaymentOutcome.APPROVED  # now from the map
    assert terminal.reverse("r1").outcome is ReturnOutcome.DONE  # the receipt was learnt


def test_unknown_declined_payment_resolves_as_declined(terminal, sim):
    pay(terminal, "r0")  # the terminal has a history: the query must not take r0 for r1
    sim.script_next(Outcome.DECLINE)
    sim.fault(Fault.DROP_AFTER_STATUS)
    assert pay(terminal, "r1")[0].outcome is PaymentOutcome.UNKNOWN
    assert terminal.query("r1").outcome is PaymentOutcome.DECLINED


def test_slow_ack_within_t3_goes_through(terminal, sim, clock, steps):
    terminal.status()
    steps["ack"] = lambda: clock.advance(3.0)  # T3 is 5 s
    sim.fault(Fault.SLOW_ACK)
    sim.release_ack.set()
    result, _ = pay(terminal)
    assert result.outcome is PaymentOutcome.APPROVED


def test_no_ack_within_t3_is_unknown_and_the_query_finds_nothing(terminal, sim, clock, steps):
    terminal.status()
    steps["slow_ack"] = lambda: clock.advance(1.0)  # time passes while the ACK is held
    sim.fault(Fault.SLOW_ACK)
    result, _ = pay(terminal)
    assert result.outcome is PaymentOutcome.UNKNOWN
    steps.clear()
    assert terminal.query("r1").outcome is PaymentOutcome.NOT_FOUND
    assert payments(sim) == []
    assert authorisations(sim) == 1


def test_terminal_unreachable_is_not_sent(tmp_path, clock):
    sim = TerminalSimulator(tmp_path / "gone.sqlite")
    address = sim.address
    sim.stop()  # the port is closed again: nothing listens
    settings = ZvtSettings(*address, timeouts=Timeouts(connect_s=2.0))
    adapter = ZvtTerminal(settings, tmp_path / "refs.sqlite", clock=clock)
    result = adapter.authorise("r1", Money(100, EUR), lambda p: None)
    assert (result.outcome, result.reason) == (PaymentOutcome.NOT_SENT, "offline")
    assert adapter.status().ready is False


def test_unknown_stays_unknown_while_the_terminal_is_away(tmp_path, sim, clock):
    adapter = make_adapter(tmp_path, sim, clock)
    sim.fault(Fault.DROP_AFTER_STATUS)
    assert pay(adapter)[0].outcome is PaymentOutcome.UNKNOWN
    sim.stop()
    assert adapter.query("r1").outcome is PaymentOutcome.UNKNOWN


def test_a_reference_is_never_authorised_twice(terminal):
    pay(terminal)
    with pytest.raises(ValueError):
        pay(terminal)


def test_reversal_by_receipt_number_is_idempotent(terminal, sim):
    pay(terminal)
    done = terminal.reverse("r1")
    assert done.outcome is ReturnOutcome.DONE
    assert payments(sim)[0]["status"] == "reversed"
    [reversal] = [r for r in sim.ledger.rows() if r["kind"] == "reversal"]
    assert reversal["original_receipt"] == terminal.refs.get("r1")["receipt"]
    assert terminal.reverse("r1").outcome is ReturnOutcome.DONE
    assert sim.commands.count((0x06, 0x30)) == 1
    assert terminal.query_return("r1", "reversal").outcome is ReturnOutcome.DONE
    assert terminal.recent()[0].returned == "reversal"


def test_reversal_after_end_of_day_is_refused_then_refund_works(terminal, sim):
    pay(terminal, minor=2000)
    totals = terminal.end_of_day()
    assert (totals.approved_count, totals.approved_total) == (1, Money(2000, EUR))
    refused = terminal.reverse("r1")
    assert (refused.outcome, refused.reason) == (ReturnOutcome.REFUSED, "B5")
    assert terminal.query_return("r1", "reversal").outcome is ReturnOutcome.NOT_FOUND
    refund = terminal.refund("r1", Money(2000, EUR), "f1")
    assert refund.outcome is ReturnOutcome.DONE and refund.refund_reference == "f1"
    assert terminal.refund("r1", Money(2000, EUR), "f1").outcome is ReturnOutcome.DONE
    assert [r["kind"] for r in sim.ledger.rows()].count("refund") == 1
    assert terminal.query_return("r1", "refund", "f1").outcome is ReturnOutcome.DONE
    assert terminal.query_return("r1", "refund", "f2").outcome is ReturnOutcome.NOT_FOUND


def test_end_of_day_counts_returns_made_that_day(terminal, sim):
    pay(terminal, "a", 1000)
    pay(terminal, "b", 500)
    terminal.reverse("b")
    totals = terminal.end_of_day()
    assert (totals.approved_count, totals.approved_total) == (1, Money(1000, EUR))
    assert (totals.returned_count, totals.returned_total) == (1, Money(500, EUR))


def test_reversal_answer_lost_is_resolved_by_query_return(terminal, sim):
    pay(terminal)
    sim.fault(Fault.DROP_AFTER_STATUS)
    assert terminal.reverse("r1").outcome is ReturnOutcome.UNKNOWN
    assert terminal.query_return("r1", "reversal").outcome is ReturnOutcome.DONE
    assert payments(sim)[0]["status"] == "reversed"
    assert sim.commands.count((0x06, 0x30)) == 1


def test_status_enquiry(terminal, sim):
    status = terminal.status()
    assert status.ready and TERMINAL_ID in status.detail
    assert (0x05, 0x01) in sim.commands


def test_reservation_booked_on_success(terminal, sim):
    held = terminal.reserve("r1", Money(3000, EUR), lambda p: None)
    assert held.outcome is PaymentOutcome.APPROVED
    [row] = [r for r in sim.ledger.rows() if r["kind"] == "reservation"]
    assert row["status"] == "reserved"
    assert terminal.query_return("r1", "book").outcome is ReturnOutcome.NOT_FOUND
    booked = terminal.book("r1", Money(2500, EUR))
    assert (booked.outcome, booked.kind) == (ReturnOutcome.DONE, "book")
    assert terminal.book("r1", Money(2500, EUR)).outcome is ReturnOutcome.DONE  # idempotent
    assert terminal.query_return("r1", "book").outcome is ReturnOutcome.DONE
    assert terminal.query("r1").outcome is PaymentOutcome.APPROVED
    assert terminal.holds
    rows = sim.ledger.rows()
    assert [r["status"] for r in rows if r["kind"] == "reservation"] == ["booked"]
    assert [r["amount_minor"] for r in rows if r["kind"] == "booking"] == [2500]
    assert (0x06, 0x22) in sim.commands and (0x06, 0x24) in sim.commands


def test_reservation_released_on_failure_and_nothing_booked(terminal, sim):
    terminal.reserve("r1", Money(3000, EUR), lambda p: None)
    assert terminal.release("r1").outcome is ReturnOutcome.DONE
    rows = sim.ledger.rows()
    assert [r["status"] for r in rows if r["kind"] == "reservation"] == ["released"]
    assert not [r for r in rows if r["kind"] == "booking"]
    assert terminal.release("r1").outcome is ReturnOutcome.DONE  # idempotent
    assert sim.commands.count((0x06, 0x25)) == 1
    assert terminal.book("r1", Money(3000, EUR)).outcome is ReturnOutcome.REFUSED
    assert terminal.query_return("r1", "release").outcome is ReturnOutcome.DONE


def test_reservation_unsupported_by_the_terminal(tmp_path, clock):
    sim = TerminalSimulator(tmp_path / "sim.sqlite", password="123456",
                            reservation=False).start()
    try:
        adapter = make_adapter(tmp_path, sim, clock, reservation=True)
        result = adapter.reserve("r1", Money(100, EUR), lambda p: None)
        assert (result.outcome, result.reason) == (PaymentOutcome.NOT_SENT,
                                                   "reservation_unsupported")
        assert sim.ledger.rows() == []
        off = make_adapter(tmp_path, sim, clock, reservation=False, name="off")
        assert off.reserve("r2", Money(100, EUR), lambda p: None).reason == \
            "reservation_unsupported"
        assert sim.commands.count((0x06, 0x22)) == 1  # the flag off: nothing sent
        adapter.close()
    finally:
        sim.stop()


def test_restart_keeps_the_receipt_map(tmp_path, sim, clock):
    first = make_adapter(tmp_path, sim, clock)
    pay(first)
    first.close()
    second = make_adapter(tmp_path, sim, clock)
    assert second.reverse("r1").outcome is ReturnOutcome.DONE
    assert sim.registrations == 2
    second.close()


def test_wrong_currency_is_not_sent(terminal, sim):
    result = terminal.authorise("r1", Money(100, "RUB"), lambda p: None)
    assert (result.outcome, result.reason) == (PaymentOutcome.NOT_SENT, "currency")
    assert (0x06, 0x01) not in sim.commands


def test_simulator_refuses_garbage_and_stays_up(terminal, sim):
    import socket
    with socket.create_connection(sim.address, timeout=5) as raw:
        raw.sendall(bytes.fromhex("0601 03 FE0000"))  # BMP FE: unknown, length unknowable
        assert raw.recv(3) == m.Nak(0x83).to_apdu().encode()
    assert pay(terminal)[0].outcome is PaymentOutcome.APPROVED


def test_goods_not_delivered_answers_84_66_and_the_terminal_reverses(terminal, sim):
    result = terminal.authorise("r1", Money(800, EUR), lambda p: None,
                                deliverable=lambda: False)
    assert (result.outcome, result.reason) == (PaymentOutcome.CANCELLED, "goods_not_delivered")
    assert payments(sim)[0]["status"] == "reversed"
    kept = terminal.authorise("r2", Money(800, EUR), lambda p: None, deliverable=lambda: True)
    assert kept.outcome is PaymentOutcome.APPROVED


def test_an_unknown_hidden_by_a_later_payment_stays_unknown(terminal, sim):
    sim.fault(Fault.DROP_AFTER_STATUS)
    assert pay(terminal, "r1", 100)[0].outcome is PaymentOutcome.UNKNOWN
    assert pay(terminal, "r2", 100)[0].outcome is PaymentOutcome.APPROVED
    # 06 20 repeats only the last transaction, which is r2's: r1 is not mistaken for it
    found = terminal.query("r1")
    assert (found.outcome, found.reason) == (PaymentOutcome.UNKNOWN, "superseded")
    assert authorisations(sim) == 2


def test_busy_terminal_status(terminal, sim):
    terminal.status()
    sim.fault(Fault.BUSY)
    status = terminal.status()
    assert not status.ready and "busy" in status.detail
    assert terminal.status().ready


class Crash(BaseException):
    """The kiosk process dying at that instant (nothing after it runs)."""


def test_a_crash_mid_authorisation_is_resolved_after_restart(tmp_path, sim, clock):
    first = make_adapter(tmp_path, sim, clock)

    def die():
        raise Crash

    with pytest.raises(Crash):  # the 04 0F arrived; the kiosk died before storing it
        first.authorise("r1", Money(4200, EUR), lambda p: None, deliverable=die)
    first.close()
    assert first.refs.get("r1")["status"] == "pending"
    second = make_adapter(tmp_path, sim, clock)
    found = second.query("r1")
    assert found.outcome is PaymentOutcome.APPROVED and found.amount == Money(4200, EUR)
    assert authorisations(sim) == 1
    assert second.recent()[0].reference == "r1"
    assert second.reverse("r1").outcome is ReturnOutcome.DONE
    second.close()


def test_a_connection_the_terminal_closed_while_idle_is_reopened_not_unknown(terminal, sim):
    pay(terminal, "r1")
    for link in list(sim._links):  # the terminal restarts: its side of the line goes away
        link.close()
    hung_up = threading.Event()
    for _ in range(400):  # until the hang-up has reached our side (bounded, never timed)
        if terminal._link.peer_closed(0.05):
            hung_up.set()
            break
    assert hung_up.is_set()
    result, _ = pay(terminal, "r2")
    assert result.outcome is PaymentOutcome.APPROVED
    assert sim.registrations == 2 and authorisations(sim) == 2
