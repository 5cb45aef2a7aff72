"""What a screen needs to draw the current moment of a renewal: immutable, masked, complete.

The UI renders these and nothing else; every identifier in them is already masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kiosk.core.card import Allowances, CardStatus, Plan
from kiosk.core.messages import Message
from kiosk.core.money import Money
from kiosk.core.offers import Offer
from kiosk.core.promotions import PriceBreakdown
from kiosk.core.sale import PaymentMethod
from kiosk.core.transaction import ReceiptState
from kiosk.payment.port import TerminalPrompt


class Step(StrEnum):
    ATTRACT = "attract"
    LOOKING_UP = "looking_up"
    CARD = "card"  # status shown, offers available
    OFFER = "offer"  # one offer chosen: price breakdown before paying
    PHONE = "phone"  # card without a bound number: bind one first
    SENDING_CODE = "sending_code"
    CODE = "code"
    PAYMENT = "payment"  # method choice
    PAYING = "paying"  # terminal prompts live
    RENEWING = "renewing"
    DONE = "done"
    PROBLEM = "problem"


class Action(StrEnum):
    """What the customer may do next from a problem screen."""

    RETRY = "retry"
    OTHER_METHOD = "other_method"
    SCAN_AGAIN = "scan_again"
    CHOOSE_OTHER = "choose_other"
    FINISH = "finish"


@dataclass(frozen=True)
class CardView:
    iccid_masked: str
    status: CardStatus
    plan: Plan  # every name, so a language switch re-renders the plan in the new language
    validity_end: datetime | None
    days_left: int
    balance: Money
    allowances: Allowances
    phone_masked: str | None


@dataclass(frozen=True)
class OfferView:
    offer: Offer
    price: PriceBreakdown


@dataclass(frozen=True)
class CodeView:
    challenge_id: str
    phone_masked: str
    expires_at: datetime
    resend_at: datetime
    resends_left: int
    attempts_left: int
    error: Message | None = None


@dataclass(frozen=True)
class ProblemView:
    code: str
    message: Message
    actions: tuple[Action, ...]
    retry_at: datetime | None = None  # "Try again" only from then: the screen counts down


@dataclass(frozen=True)
class ResultView:
    tx_id: str
    state: str  # the transaction's final state
    validity_end: datetime | None
    allowances: Allowances | None
    receipt: ReceiptState
    e_receipt_url: str | None
    reread: bool  # True when figures were re-read from the operator after the renewal


@dataclass(frozen=True)
class View:
    step: Step
    language: str
    card: CardView | None = None
    offers: tuple[OfferView, ...] = ()
    chosen: OfferView | None = None
    code: CodeView | None = None
    methods: tuple[PaymentMethod, ...] = ()
    method: PaymentMethod | None = None
    prompt: TerminalPrompt | None = None
    can_cancel: bool = True
    printer_ready: bool = True
    out_of_service: bool = False  # the idle kiosk cannot sell: no terminal answers, or no printer
    problem: ProblemView | None = None
    result: ResultView | None = None
    input_error: Message | None = None
    idle_warning_s: int | None = None
    session: int = 0  # changes at every wipe: a new customer, whose screen starts afresh
    notes: tuple[Message, ...] = field(default_factory=tuple)
