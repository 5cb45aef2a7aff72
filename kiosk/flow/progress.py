"""Where a renewal stands, in the five stages the step indicator shows.

card -> renewal -> verify -> pay -> done. Pure: from a ``View`` alone, so every screen (and a
test) agrees on the stage. A problem belongs to the stage it stopped: its code says which
when it can, else what the View already holds (a payment method, a code, a card).
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.flow.view import Step, View


class Stage(StrEnum):
    CARD = "card"
    RENEWAL = "renewal"
    VERIFY = "verify"
    PAY = "pay"
    DONE = "done"


STAGES = tuple(Stage)

_BY_STEP = {
    Step.ATTRACT: Stage.CARD, Step.LOOKING_UP: Stage.CARD,
    Step.CARD: Stage.RENEWAL, Step.OFFER: Stage.RENEWAL,
    Step.PHONE: Stage.VERIFY, Step.SENDING_CODE: Stage.VERIFY, Step.CODE: Stage.VERIFY,
    Step.PAYMENT: Stage.PAY, Step.PAYING: Stage.PAY, Step.RENEWING: Stage.PAY,
    Step.DONE: Stage.DONE,
}

_PAYING_PROBLEMS = ("declined", "cancelled", "reversed", "refunded", "manual_review",
                    "printer_unavailable", "payment_unavailable", "kiosk_fault")
_BY_PROBLEM = {
    "card_unknown": Stage.CARD, "card_blocked": Stage.CARD,
    "code_blocked": Stage.VERIFY, "too_soon": Stage.VERIFY,
    **dict.fromkeys(_PAYING_PROBLEMS, Stage.PAY),
}


def stage_of(view: View) -> Stage:
    if view.step is not Step.PROBLEM:
        return _BY_STEP[view.step]
    if view.problem is not None and view.problem.code in _BY_PROBLEM:
        return _BY_PROBLEM[view.problem.code]
    if view.method is not None or view.result is not None:
        return Stage.PAY
    if view.code is not None or view.chosen is not None:  # sending or checking the code
        return Stage.VERIFY
    return Stage.RENEWAL if view.card is not None else Stage.CARD
