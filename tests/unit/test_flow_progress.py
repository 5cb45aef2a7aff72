"""The stage of the step indicator (kiosk.flow.progress), from a View alone."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core.messages import Message
from kiosk.core.sale import PaymentMethod
from kiosk.flow.progress import Stage, stage_of
from kiosk.flow.view import ProblemView, Step, View

BASE = View(Step.ATTRACT, "en")


@pytest.mark.parametrize(("step", "stage"), [
    (Step.ATTRACT, Stage.CARD), (Step.LOOKING_UP, Stage.CARD), (Step.CARD, Stage.RENEWAL),
    (Step.OFFER, Stage.RENEWAL), (Step.PHONE, Stage.VERIFY), (Step.SENDING_CODE, Stage.VERIFY),
    (Step.CODE, Stage.VERIFY), (Step.PAYMENT, Stage.PAY), (Step.PAYING, Stage.PAY),
    (Step.RENEWING, Stage.PAY), (Step.DONE, Stage.DONE),
])
def test_each_step_has_its_stage(step, stage):
    assert stage_of(replace(BASE, step=step)) is stage


def problem(code: str, **fields) -> View:
    return replace(BASE, step=Step.PROBLEM, problem=ProblemView(code, Message(code), ()),
                   **fields)


def test_a_problem_is_shown_at_the_stage_it_stopped():
    assert stage_of(problem("card_blocked")) is Stage.CARD
    assert stage_of(problem("code_blocked")) is Stage.VERIFY
    assert stage_of(problem("declined")) is Stage.PAY
    assert stage_of(problem("payment_unavailable")) is Stage.PAY


def test_an_unreachable_operator_is_placed_by_what_the_view_holds():
    assert stage_of(problem("operator_unreachable")) is Stage.CARD
    assert stage_of(problem("operator_unreachable", method=PaymentMethod.CARD)) is Stage.PAY
