"""The start-up audit against a real terminal ledger and a real journal file."""

from __future__ import annotations

from datetime import timedelta

from kiosk.core.money import Money
from kiosk.core.renewal import RenewalResult, RenewalStatus
from kiosk.core.transaction import TxState
from kiosk.flow.audit import audit
from kiosk.journal.store import Journal
from kiosk.payment.simulator import PaymentSimulator
from tests.fakes import NOW, FakeOperator, demo_card
from tests.helpers import make_iccid
from tests.unit.test_flow_checkout import new_tx

ICCID = make_iccid("897010123456789012")
AMOUNT = Money(70000, "RUB")


def setup(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite", now=lambda: NOW)
    terminal = PaymentSimulator(tmp_path / "terminal.sqlite", allow_reversal=True)
    return journal, terminal, FakeOperator(demo_card(ICCID))


def test_charges_and_renewals_the_journal_never_saw_are_findings(tmp_path):
    journal, terminal, operator = setup(tmp_path)
    terminal.authorise("lost-1", AMOUNT, lambda _p: None)
    terminal.authorise("lost-2", AMOUNT, lambda _p: None)
    terminal.reverse("lost-2")  # money went back: nothing to look for
    terminal.script("lost-3", "decline")
    terminal.authorise("lost-3", AMOUNT, lambda _p: None)
    operator.renewals["gone-9"] = RenewalResult("gone-9", RenewalStatus.APPLIED, "val-7")
    found = audit(journal, [terminal], operator, NOW - timedelta(days=7))
    assert sorted((f.source, f.reference) for f in found) == [
        ("operator", "gone-9"), ("terminal", "lost-1")]
    assert [f["reference"] for f in journal.findings()] == ["lost-1", "gone-9"]
    again = audit(journal, [terminal], operator, NOW - timedelta(days=7))
    assert len(again) == 2 and len(journal.findings()) == 2  # recorded once
    journal.close()


def test_a_final_row_that_the_terminal_contradicts_is_a_finding(tmp_path):
    journal, terminal, operator = setup(tmp_path)
    new_tx(journal)
    journal.result("tx-1", "recovery", TxState.CANCELLED)
    terminal.authorise("tx-1", AMOUNT, lambda _p: None)  # yet the customer was charged
    [finding] = audit(journal, [terminal], operator, NOW - timedelta(days=7))
    assert (finding.reference, finding.detail) == ("tx-1", "approved 700.00 RUB, journal says "
                                                   "cancelled")
    journal.close()


def test_a_journal_that_agrees_gives_no_finding_and_a_deaf_operator_none_either(tmp_path):
    journal, terminal, _ = setup(tmp_path)
    new_tx(journal)
    terminal.authorise("tx-1", AMOUNT, lambda _p: None)

    class Deaf(FakeOperator):
        def renewals_since(self, since):
            raise TimeoutError

    assert audit(journal, [terminal], Deaf(demo_card(ICCID)), NOW) == []
    assert journal.findings() == []
    journal.close()
