"""The renewal flow: from an identified card to a printed receipt, one customer at a time.

Plain Python driven by events (``identify``, ``choose_offer``, ``submit_code``, ``pay`` ...),
publishing an immutable ``View`` after every change. Blocking calls go through a ``Runner``
so the caller's thread (the UI's) never waits; with ``InlineRunner`` and an injected clock the
whole flow is deterministic under test. Money moves only inside ``Checkout``, which journals
before every side effect.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk import logs
from kiosk.core import codec
from kiosk.core.card import CardInfo, CardStatus
from kiosk.core.errors import Category, InvalidInput, KioskError
from kiosk.core.iccid import Iccid
from kiosk.core.messages import N_, Message
from kiosk.core.offers import ineligibility
from kiosk.core.phone import Phone
from kiosk.core.promotions import best_price
from kiosk.core.renewal import OTP_CODE_LENGTH, OtpChallenge, whole_code
from kiosk.core.sale import PaymentMethod
from kiosk.core.transaction import ReceiptState, Transaction, TxState
from kiosk.flow.checkout import Checkout
from kiosk.flow.ports import OfferCatalog, OperatorError, OperatorPort, ReceiptPrinterPort
from kiosk.flow.runner import Outcome, Runner
from kiosk.flow.view import (
    Action,
    CardView,
    CodeView,
    OfferView,
    ProblemView,
    ResultView,
    Step,
    View,
)
from kiosk.journal.store import Journal
from kiosk.payment.port import PaymentPort, TerminalPrompt

log = logging.getLogger(__name__)

PROBLEMS = {
    "card_unknown": N_("We could not find this card. Check the number and try again."),
    "card_blocked": N_("This card is blocked and cannot be renewed here. "
                       "Please contact the operator's support."),
    "operator_unreachable": N_("We cannot reach the mobile operator right now. "
                               "Nothing was charged. Please try again in a few minutes."),
    "declined": N_("The payment was declined. Nothing was charged. "
                   "You can try again or choose another way to pay."),
    "cancelled": N_("The payment was cancelled. Nothing was charged."),
    "reversed": N_("The renewal could not be completed, so your payment was cancelled. "
                   "The money is back on your card. Please keep the slip."),
    "refunded": N_("The renewal could not be completed, so your payment was refunded. "
                   "It may take a few days to appear. Please keep the slip."),
    "released": N_("The renewal could not be completed, so the amount held on your card was "
                   "released. Nothing was charged. Please keep the slip."),
    "manual_review": N_("We could not confirm your renewal. Your payment is recorded and staff "
                        "will resolve it. Please keep the slip and call support."),
    "code_blocked": N_("Too many wrong codes. For your security, please start again later."),
    "printer_unavailable": N_("This kiosk cannot print receipts right now and is not selling. "
                              "Sorry for the inconvenience."),
    "payment_unavailable": N_("The payment terminal is not working right now. Nothing was "
                              "charged. Please try again later or use another kiosk."),
    "kiosk_fault": N_("This kiosk has a fault and cannot take payments right now. Nothing "
                      "was charged. Please use another kiosk."),
    "too_soon": N_("Please wait before asking for a new code."),
    "code_wait": N_("A code was sent to this card a moment ago. The operator sends a new one "
                    "only after a short wait."),
}

_ACTIONS = {
    "card_unknown": (Action.SCAN_AGAIN, Action.FINISH),
    "card_blocked": (Action.SCAN_AGAIN, Action.FINISH),
    "operator_unreachable": (Action.RETRY, Action.FINISH),
    "code_wait": (Action.RETRY, Action.FINISH),
    "declined": (Action.RETRY, Action.OTHER_METHOD, Action.FINISH),
    "cancelled": (Action.RETRY, Action.OTHER_METHOD, Action.FINISH),
    "reversed": (Action.FINISH,),
    "refunded": (Action.FINISH,),
    "released": (Action.FINISH,),
    "manual_review": (Action.FINISH,),
    "code_blocked": (Action.FINISH,),
    "printer_unavailable": (Action.FINISH,),
    "payment_unavailable": (Action.FINISH,),
    "kiosk_fault": (Action.FINISH,),
}

WHOLE_CODE = N_("The code from the SMS has {count} digits.")
# The operator's answers that make the kiosk's challenge useless: the next try needs a new one.
_CHALLENGE_SPENT = {"otp_expired", "otp_challenge_not_found", "otp_already_used"}

# Steps where the customer may walk away: an idle timeout warns, then wipes everything and
# starts over. The start step too, once someone is there (``Engine._may_wipe``); never while
# money moves (PAYING, RENEWING).
_IDLE_RESETTABLE = {
    Step.ATTRACT, Step.LOOKING_UP, Step.CARD, Step.OFFER, Step.PHONE, Step.SENDING_CODE,
    Step.CODE, Step.PAYMENT, Step.DONE, Step.PROBLEM,
}


@dataclass(frozen=True)
class EngineSettings:
    kiosk_id: str
    timezone: ZoneInfo
    methods: tuple[PaymentMethod, ...] = (PaymentMethod.CARD,)
    idle_timeout_s: int = 60
    idle_warning_s: int = 15
    refuse_sale_without_printer: bool = False
    default_language: str = "en"
    e_receipt_base_url: str = "https://receipts.example/r/"
    service_check_s: int = 30  # how often an idle kiosk asks its devices if it can sell
    stop_on_review: bool = True  # out of service while start-up findings wait for an engineer
    support_contact: str = ""  # shown on problem and help screens (kiosk.support_contact)


class NotJournaled(Exception):
    """The sale's intent could not be written: nothing may be sent to the terminal."""


class Engine:
    def __init__(
        self,
        settings: EngineSettings,
        operator: OperatorPort,
        payments: dict[PaymentMethod, PaymentPort],
        printer: ReceiptPrinterPort,
        journal: Journal,
        checkout_for: Callable[[PaymentPort], Checkout],
        runner: Runner,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.operator = operator
        self.payments = payments
        self.printer = printer
        self.journal = journal
        self.checkout_for = checkout_for
        self.runner = runner
        self.now = now
        self._listeners: list[Callable[[View], None]] = []
        self._generation = 0  # bumps on reset: late answers for a wiped session are dropped
        # What the last device check found: methods whose terminal answers, printer state.
        self._available: tuple[PaymentMethod, ...] = settings.methods
        self._printer_ok = True
        self._checking = False
        self._service_checked_at: datetime | None = None
        self._awaiting_review = self._open_findings()
        self._reset(settings.default_language)

    # -- observation -------------------------------------------------------------------

    def subscribe(self, listener: Callable[[View], None]) -> None:
        self._listeners.append(listener)
        listener(self.view)

    def _publish(self, **changes) -> None:
        self.view = replace(self.view, **changes)
        for listener in list(self._listeners):
            listener(self.view)

    def _reset(self, language: str) -> None:
        """Back to the attract screen with every trace of the customer wiped."""
        self._generation += 1
        self._card: CardInfo | None = None
        self._offers: dict[str, OfferView] = {}
        self._chosen: OfferView | None = None
        self._challenge: OtpChallenge | None = None
        self._challenge_phone: Phone | None = None  # the number bound with it, if any
        self._token: str | None = None
        # What "Try again" redoes after the operator failed: the lookup, or getting to the
        # code screen (with the code already sent when it is still valid); never forgetting
        # the chosen offer.
        self._again: Callable[[], None] | None = None
        self._phone: Phone | None = None
        self._method: PaymentMethod | None = None
        self._tx_id: str | None = None
        self._last_activity = self.now()
        self._present = False  # nobody has touched the start screen since the wipe
        self.view = View(Step.ATTRACT, language, methods=self._available,
                         printer_ready=self._printer_ok, out_of_service=self._out_of_service(),
                         session=self._generation)
        for listener in list(self._listeners):
            listener(self.view)

    def _work(self, work: Callable, done: Callable[[Outcome], None]) -> None:
        generation = self._generation

        def guarded(outcome: Outcome) -> None:
            if generation == self._generation:
                done(outcome)

        self.runner.run(work, guarded)

    def _problem(self, code: str, message: Message | None = None,
                 retry_at: datetime | None = None) -> None:
        problem = ProblemView(code, message or Message(PROBLEMS[code]),
                              _ACTIONS.get(code, (Action.FINISH,)), retry_at)
        self._publish(step=Step.PROBLEM, problem=problem, prompt=None)

    def _error(self, exc: BaseException, fallback: str = "operator_unreachable") -> None:
        if isinstance(exc, KioskError) and exc.category is Category.USER:
            self._problem(exc.code if exc.code in PROBLEMS else fallback, exc.message)
        else:
            logs.event(log, "flow.error", logging.WARNING, error=repr(exc))
            self._problem(fallback)

    # -- activity and idle -------------------------------------------------------------

    def touch(self) -> None:
        """Any touch on the screen (or a card held to the camera): someone is there. On the
        start screen it begins a presence that times out like every other step, so a half
        typed number, the camera face or a chosen language never stay for the next person."""
        self._last_activity = self.now()
        self._present = True
        if self.view.idle_warning_s is not None:
            self._publish(idle_warning_s=None)

    def tick(self) -> None:
        """Called about once a second: idle warning, then reset. Never while money moves."""
        if self.view.step is Step.ATTRACT:
            self._check_service_when_due()
        if not self._may_wipe():
            return
        idle = (self.now() - self._last_activity).total_seconds()
        left = self.settings.idle_timeout_s - idle
        if left <= 0:
            self._reset(self.settings.default_language)
        elif left <= self.settings.idle_warning_s:
            self._publish(idle_warning_s=int(-(-left // 1)))

    def _may_wipe(self) -> bool:
        """Whether an idle timeout applies now: the untouched start screen in the default
        language is already wiped, so it never warns."""
        if self.view.step is Step.ATTRACT:
            return self._present or self.view.language != self.settings.default_language
        return self.view.step in _IDLE_RESETTABLE

    # -- can this kiosk sell? ----------------------------------------------------------

    def _check_service_when_due(self) -> None:
        last = self._service_checked_at
        due = last is None or (self.now() - last).total_seconds() >= self.settings.service_check_s
        if due and not self._checking:
            self.check_service()

    def check_service(self) -> None:
        """Asks the terminals and the printer, off the main thread, whether a sale could end
        well; an idle kiosk that cannot sell says so before a traveller scans a card."""
        self._checking = True
        self._service_checked_at = self.now()
        self.runner.run(self._probe_devices, self._service_known)

    def _probe_devices(self) -> tuple[tuple[PaymentMethod, ...], bool]:
        methods = tuple(m for m in self.settings.methods if _answers(self.payments[m]))
        self._awaiting_review = self._open_findings()
        return methods, self._printer_ready()

    def _open_findings(self) -> bool:
        """Whether money the journal could not account for still waits for an engineer."""
        try:
            return self.settings.stop_on_review and bool(self.journal.findings())
        except Exception:
            return True  # a journal that cannot be read cannot promise the money rule

    def _service_known(self, outcome: Outcome) -> None:
        self._checking = False
        self._devices_found(outcome)
        found = (self._available, self._printer_ok, self._out_of_service())
        shown = (self.view.methods, self.view.printer_ready, self.view.out_of_service)
        if self.view.step is Step.ATTRACT and found != shown:
            self._publish(methods=found[0], printer_ready=found[1], out_of_service=found[2])

    def _devices_found(self, outcome: Outcome) -> None:
        methods, printer = outcome.value if outcome.error is None else ((), False)
        if (methods, printer) != (self._available, self._printer_ok):
            logs.event(log, "flow.devices", logging.WARNING if not methods else logging.INFO,
                       methods=[str(m) for m in methods], printer_ready=printer)
        self._available, self._printer_ok = methods, printer

    def _printer_blocks_sale(self) -> bool:
        return not self._printer_ok and self.settings.refuse_sale_without_printer

    def _out_of_service(self) -> bool:
        return not self._available or self._printer_blocks_sale() or self._awaiting_review

    def set_language(self, language: str) -> None:
        self.touch()
        self._publish(language=language)

    # -- identify ----------------------------------------------------------------------

    def identify(self, text: str) -> None:
        """A scanned or typed card number."""
        self.touch()
        if self.view.step not in (Step.ATTRACT, Step.PROBLEM, Step.CARD):
            return
        if self.view.step is Step.ATTRACT and self.view.out_of_service:
            return  # the screen says the kiosk cannot sell; nobody is led up to payment
        try:
            iccid = Iccid.parse(text)
        except InvalidInput as exc:
            self._publish(input_error=exc.message)
            return
        self._again = lambda: self.identify(iccid.digits)
        self._publish(step=Step.LOOKING_UP, input_error=None, problem=None)
        self._work(lambda: self._card_and_offers(iccid), self._looked_up)

    def _card_and_offers(self, iccid: Iccid) -> tuple[CardInfo, OfferCatalog | None]:
        """Runs on a worker: offers are asked for only when the card can buy something."""
        card = self.operator.lookup(iccid)
        if card.status in (CardStatus.UNKNOWN, CardStatus.BLOCKED):
            return card, None
        return card, self.operator.offers(iccid)

    def _looked_up(self, outcome: Outcome) -> None:
        if outcome.error:
            self._error(outcome.error)
            return
        card, catalog = outcome.value
        if card.status is CardStatus.UNKNOWN:
            self._problem("card_unknown")
            return
        if card.status is CardStatus.BLOCKED:
            self._problem("card_blocked")
            return
        self._card = card
        now = self.now()
        offers = []
        for offer in catalog.offers:
            if ineligibility(card, offer) is None:
                price = best_price(offer, catalog.promotions, now, self.settings.timezone,
                                   card.used_promotions)
                offers.append(OfferView(offer, price))
        self._offers = {o.offer.id: o for o in offers}
        self._publish(step=Step.CARD, card=self._card_view(card, now), offers=tuple(offers))

    def _card_view(self, card: CardInfo, now: datetime) -> CardView:
        return CardView(card.iccid.masked(), card.status, card.plan, card.validity_end,
                        card.days_left(now), card.balance, card.allowances, card.phone_masked)

    # -- choose and verify -------------------------------------------------------------

    def choose_offer(self, offer_id: str) -> None:
        self.touch()
        if self.view.step not in (Step.CARD, Step.OFFER) or offer_id not in self._offers:
            return
        self._chosen = self._offers[offer_id]
        self._publish(step=Step.OFFER, chosen=self._chosen)

    def back(self) -> None:
        """One step back before any money moves."""
        self.touch()
        if self.view.step in (Step.OFFER, Step.PHONE, Step.CODE, Step.PAYMENT):
            if self._token is not None:  # the code was used: a new offer needs a new one
                self._challenge = None
            self._token = None  # an unused code stays: choosing again reuses it
            self._publish(step=Step.CARD, chosen=None, code=None, input_error=None)

    def confirm_offer(self) -> None:
        """The customer accepts the price: prove the card is theirs."""
        self.touch()
        if self.view.step is not Step.OFFER or self._card is None:
            return
        if not self._card.has_phone:
            self._publish(step=Step.PHONE, input_error=None)
            return
        self._send_code(None)

    def enter_phone(self, text: str) -> None:
        self.touch()
        if self.view.step is not Step.PHONE:
            return
        try:
            self._phone = Phone.parse(text)
        except InvalidInput as exc:
            self._publish(input_error=exc.message)
            return
        self._send_code(self._phone)

    def _send_code(self, phone: Phone | None) -> None:
        """To the code screen: with the code already sent while it is still valid (the
        operator would refuse a new one inside its cool-down anyway), else a new code."""
        if self._code_still_valid(phone):
            self._publish(step=Step.CODE, code=self._code_view(None), problem=None,
                          input_error=None)
            return
        self._request_code(phone)

    def _code_still_valid(self, phone: Phone | None) -> bool:
        c = self._challenge
        return (c is not None and self._token is None and phone == self._challenge_phone
                and self.now() < c.expires_at and c.attempts_left > 0)

    def _request_code(self, phone: Phone | None) -> None:
        iccid = self._card.iccid
        self._again = lambda: self._send_code(phone)
        self._publish(step=Step.SENDING_CODE, input_error=None, problem=None)
        self._work(lambda: self.operator.send_otp(iccid, phone),
                   lambda outcome: self._code_sent(outcome, phone))

    def _code_sent(self, outcome: Outcome, phone: Phone | None) -> None:
        exc = outcome.error
        if exc is not None:
            too_soon = isinstance(exc, OperatorError) and exc.code == "otp_resend_too_soon"
            wait = exc.details.get("retry_after_s") if too_soon else None
            if isinstance(wait, int) and not isinstance(wait, bool) and wait > 0:
                # A code this kiosk no longer knows of is live: say how long until a new one.
                self._problem("code_wait", retry_at=self.now() + timedelta(seconds=wait))
                return
            self._error(exc)
            return
        self._challenge, self._challenge_phone = outcome.value, phone
        self._publish(step=Step.CODE, code=self._code_view(None))

    def _code_view(self, error: Message | None) -> CodeView:
        c = self._challenge
        return CodeView(c.challenge_id, c.phone_masked, c.expires_at, c.resend_after,
                        c.resends_left, c.attempts_left, error)

    def resend_code(self) -> None:
        self.touch()
        if self.view.step is not Step.CODE or self._challenge is None:
            return
        if self.now() < self._challenge.resend_after or self._challenge.resends_left <= 0:
            self._publish(code=self._code_view(Message(PROBLEMS["too_soon"])))
            return
        self._request_code(self._phone)

    def submit_code(self, code: str) -> None:
        self.touch()
        if self.view.step is not Step.CODE or self._challenge is None:
            return
        if not whole_code(code):  # the operator would refuse it, or count it as a wrong try
            self._publish(code=self._code_view(Message(WHOLE_CODE, {"count": OTP_CODE_LENGTH})))
            return
        challenge_id, phone = self._challenge.challenge_id, self._challenge_phone
        self._again = lambda: self._send_code(phone)  # back to this code, if still valid
        self._publish(input_error=None)
        self._work(lambda: self.operator.verify_otp(challenge_id, code), self._code_checked)

    def _code_checked(self, outcome: Outcome) -> None:
        exc = outcome.error
        if exc is None:
            self._token = outcome.value.verification_token
            self._work(self._probe_devices, self._ready_to_pay)
            return
        if isinstance(exc, OperatorError) and exc.code in _CHALLENGE_SPENT:
            self._challenge = None  # "Try again" asks for a new code
        if isinstance(exc, OperatorError) and exc.category is Category.USER:
            left = exc.details.get("attempts_left")
            if left == 0 or exc.code in ("otp_attempts_exhausted", "otp_blocked"):
                self._problem("code_blocked")
                return
            if isinstance(left, int):
                self._challenge = replace(self._challenge, attempts_left=left)
            self._publish(code=self._code_view(exc.message))
            return
        self._error(exc)

    # -- payment -----------------------------------------------------------------------

    def _ready_to_pay(self, outcome: Outcome) -> None:
        """The devices were asked just before payment: only working terminals are offered."""
        self._devices_found(outcome)
        methods, ready = self._available, self._printer_ok
        if self._printer_blocks_sale():
            self._problem("printer_unavailable")
        elif not methods:
            self._problem("payment_unavailable")
        elif len(methods) == 1:
            self._publish(printer_ready=ready, methods=methods)
            self.pay(methods[0])
        else:
            self._publish(step=Step.PAYMENT, printer_ready=ready, methods=methods)

    def _printer_ready(self) -> bool:
        try:
            return bool(self.printer.ready())
        except Exception:
            return False

    def pay(self, method: PaymentMethod) -> None:
        """Start one payment attempt: a fresh transaction id, journaled before anything."""
        self.touch()
        if self.view.step not in (Step.CODE, Step.PAYMENT, Step.PROBLEM) or not self._token:
            return
        if method not in self.payments or method not in self.view.methods:
            return
        self._method = method
        tx = self._new_transaction(method)
        self._tx_id = tx.tx_id
        checkout = self.checkout_for(self.payments[method])
        self._publish(step=Step.PAYING, method=method, problem=None, prompt=None, can_cancel=True)

        def on_prompt(p: TerminalPrompt) -> None:
            self.runner.post(lambda: self._terminal_prompt(tx.tx_id, p))

        def on_state(state: TxState) -> None:
            self.runner.post(lambda: self._money_moved(tx.tx_id, state))

        def journal_then_drive() -> Transaction:
            # The intent reaches the disk (fsync) before the terminal hears of it, on the
            # worker: the screen never waits for the disk.
            try:
                self.journal.create(tx)
            except Exception as exc:
                raise NotJournaled(tx.tx_id) from exc
            return checkout.drive(tx.tx_id, on_prompt, on_state=on_state)

        self._work(journal_then_drive, self._paid)

    def _new_transaction(self, method: PaymentMethod) -> Transaction:
        chosen, card, now = self._chosen, self._card, self.now()
        tx_id = f"{self.settings.kiosk_id}-{now:%Y%m%d}-{uuid.uuid4().hex[:10]}"
        tx = Transaction(
            tx_id=tx_id,
            state=TxState.CREATED, created_at=now, updated_at=now,
            iccid=card.iccid.digits, iccid_masked=card.iccid.masked(),
            iccid_hash=self.journal.hash_iccid(card.iccid.digits),
            phone_masked=self._phone.masked() if self._phone else card.phone_masked,
            offer_id=chosen.offer.id, amount_minor=chosen.price.total.minor,
            currency=chosen.price.total.currency,
            promotion_id=chosen.price.promotion.id if chosen.price.promotion else None,
            method=str(method), language=self.view.language,
            verification_token=self._token,
            sale={"offer": codec.offer_to_dict(chosen.offer),
                  "price": codec.price_to_dict(chosen.price),
                  "e_receipt_url": self.settings.e_receipt_base_url + tx_id},
        )
        return tx

    def _terminal_prompt(self, tx_id: str, p: TerminalPrompt) -> None:
        if self._tx_id == tx_id and self.view.step is Step.PAYING:
            can_cancel = p.code in ("present_card", "scan_qr", "insert_cash")
            self._publish(prompt=p, can_cancel=can_cancel)

    def _money_moved(self, tx_id: str, state: TxState) -> None:
        if self._tx_id == tx_id and state in (TxState.PAID, TxState.RENEWAL_PENDING):
            self._publish(step=Step.RENEWING, prompt=None, can_cancel=False)

    def cancel(self) -> None:
        """Cancel button: before payment it wipes the session; while paying it asks the
        terminal to stop waiting for the card (only while that is still possible)."""
        self.touch()
        if self.view.step is Step.PAYING:
            if self.view.can_cancel and self._tx_id and self._method:
                tx_id, port = self._tx_id, self.payments[self._method]
                self._work(lambda: port.abort(tx_id), lambda _o: None)
            return
        if self.view.step is not Step.RENEWING:
            self._reset(self.settings.default_language)  # like Done and the idle wipe

    def _paid(self, outcome: Outcome) -> None:
        if isinstance(outcome.error, NotJournaled):
            logs.event(log, "journal.write_failed", logging.ERROR, tx_id=str(outcome.error),
                       error=repr(outcome.error.__cause__))
            self._problem("kiosk_fault")
            return
        if outcome.error:
            logs.event(log, "checkout.crashed", logging.ERROR, error=repr(outcome.error))
            self._problem("manual_review")
            return
        tx: Transaction = outcome.value
        if tx.state in (TxState.DECLINED, TxState.CANCELLED):
            self._problem("declined" if tx.state is TxState.DECLINED else "cancelled")
        elif tx.state in (TxState.REVERSED, TxState.REFUNDED, TxState.RELEASED,
                          TxState.MANUAL_REVIEW):
            self._problem(str(tx.state))
            self._publish(result=self._result_view(tx, None))
        else:
            self._publish(step=Step.RENEWING, prompt=None, can_cancel=False)
            iccid = self._card.iccid
            self._work(lambda: self.operator.lookup(iccid),
                       lambda o: self._finished(tx, o))

    def retry(self) -> None:
        """From a problem: try the same thing again (the payment, the lookup, or the way to
        the code screen), keeping what the traveller chose."""
        self.touch()
        problem = self.view.problem
        if self.view.step is not Step.PROBLEM or problem is None:
            return
        if problem.retry_at is not None and self.now() < problem.retry_at:
            return  # the screen counts down to it; the button is not offered yet
        if problem.code in ("declined", "cancelled") and self._method:
            self.pay(self._method)
        elif problem.code in ("operator_unreachable", "code_wait") and self._again is not None:
            self._again()

    def other_method(self) -> None:
        self.touch()
        if self.view.step is Step.PROBLEM and self._token:
            self._publish(step=Step.PAYMENT, problem=None)

    def _finished(self, tx: Transaction, outcome: Outcome) -> None:
        card = outcome.value if outcome.error is None else None
        if card is not None:
            self._card = card
        self._publish(step=Step.DONE, result=self._result_view(tx, card),
                      card=self._card_view(self._card, self.now()))

    def _result_view(self, tx: Transaction, reread: CardInfo | None) -> ResultView:
        end = tx.renewal.get("validity_end")
        return ResultView(
            tx_id=tx.tx_id,
            state=str(tx.state),
            validity_end=reread.validity_end if reread else
            (datetime.fromisoformat(end) if end else None),
            allowances=reread.allowances if reread else
            codec.allowances_from_dict(tx.renewal.get("allowances")),
            receipt=self.journal.get(tx.tx_id).receipt if tx.is_final else ReceiptState.NONE,
            e_receipt_url=tx.sale.get("e_receipt_url"),
            reread=reread is not None,
        )

    def scan_again(self) -> None:
        """From a problem: another card, for the same traveller in the same language (a new
        session all the same: nothing of the last card survives)."""
        if self.view.step is not Step.PROBLEM:
            return
        self._reset(self.view.language)
        self.touch()

    def finish(self) -> None:
        """Done, or giving up from a problem: back to the start, data wiped."""
        if self.view.step in (Step.PAYING, Step.RENEWING):
            return
        self._reset(self.settings.default_language)


def _answers(port: PaymentPort) -> bool:
    try:
        return bool(port.status().ready)
    except Exception:
        return False
