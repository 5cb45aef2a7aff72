"""The money-rule checker finds every kind of broken promise, each under its own kind."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from kiosk.core.transaction import Transaction, TxState
from kiosk.journal.reconcile import Charge, by_kind, charges_from_rows, reconcile
from tests.fakes import NOW

TX = Transaction("T1", TxState.DONE, NOW, NOW, None, "8970****1234", "h", None, "val-7",
                 70000, "RUB", None, "card", "en")


def kinds(txs, charges, applied) -> dict[str, int]:
    return by_kind(reconcile(txs, charges, Counter(applied)))


def test_a_clean_sale_has_no_violation():
    assert reconcile([TX], {"T1": Charge("T1", "approved")}, Counter({"T1": 1})) == []


def test_a_charge_reversed_and_refunded_is_money_returned_twice():
    charges = charges_from_rows([{"reference": "T1", "status": "reversed",
                                  "refunds": [{"refund_reference": "T1-R"}]}])
    tx = replace(TX, state=TxState.REFUNDED)
    assert kinds([tx], charges, {}) == {"returned_twice": 1}


def test_two_refunds_are_money_returned_twice():
    tx = replace(TX, state=TxState.REFUNDED)
    assert kinds([tx], {"T1": Charge("T1", "approved", refunds=2)}, {}) == {"returned_twice": 1}


def test_every_kind_is_counted():
    txs = [
        replace(TX, tx_id="A", state=TxState.PAID),  # unfinished
        replace(TX, tx_id="B", state=TxState.CANCELLED),  # but charged and kept
        replace(TX, tx_id="C", iccid="89701010000000000006"),
    ]
    charges = {
        "B": Charge("B", "approved"),
        "C": Charge("C", "approved"),
        "D": Charge("D", "approved"),  # no journal row, no renewal
        "E": Charge("E", "declined"),
    }
    applied = {"C": 2, "E": 1}
    assert kinds(txs, charges, applied) == {
        "unfinished": 1, "charge_without_renewal": 2, "journal_disagrees": 1,
        "identifier_kept": 1, "renewed_twice": 1, "renewal_without_payment": 1,
        "charge_without_journal": 1,
    }
