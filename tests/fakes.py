"""In-memory stand-ins for unit tests of the flow logic. Integration tests use the real
operator simulator over HTTP instead; these exist so each checkout branch can be forced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk.core.card import Allowances, CardInfo, CardStatus, Plan
from kiosk.core.errors import Category
from kiosk.core.iccid import Iccid
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind
from kiosk.core.renewal import OtpChallenge, OtpVerification, RenewalResult, RenewalStatus
from kiosk.flow.ports import OfferCatalog, OperatorError, PrintOutcome, RenewalOutcomeUnknown

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PLAN = Plan("travel-30", {"en": "Travel 30", "ru": "Турист 30", "zh_Hans": "旅行30套餐",
                          "zh_Hant": "旅行30方案"})
WEEK = Offer("val-7", OfferKind.VALIDITY, Money(70000, "RUB"), validity_days=7)


class FakeOperator:
    def __init__(self, card: CardInfo, behaviour: str = "apply") -> None:
        self.card = card
        self.behaviour = behaviour  # apply | fail | lost | unreachable | pending | unheard
        self.renewals: dict[str, RenewalResult] = {}
        self.creates: list[str] = []
        self.code = "123456"

    def lookup(self, iccid: Iccid) -> CardInfo:
        return self.card

    def offers(self, iccid: Iccid) -> OfferCatalog:
        return OfferCatalog((WEEK,), ())

    def send_otp(self, iccid, phone=None) -> OtpChallenge:
        return OtpChallenge("ch-1", "+7 ******4567", NOW + timedelta(minutes=5),
                            NOW + timedelta(seconds=30), 2, 3)

    def verify_otp(self, challenge_id: str, code: str) -> OtpVerification:
        if code != self.code:
            raise OperatorError("otp_wrong", "Wrong code", Category.USER, attempts_left=2)
        return OtpVerification("token-1", NOW + timedelta(minutes=10))

    def create_renewal(self, transaction_id, iccid, offer_id, amount, token, promotion_id):
        self.creates.append(transaction_id)
        if transaction_id in self.renewals:
            return self.renewals[transaction_id]
        if self.behaviour == "unreachable":
            raise OperatorError("unreachable", "down", Category.TRANSIENT)
        if self.behaviour == "unheard":  # redirected elsewhere: the operator never got it
            raise RenewalOutcomeUnknown(transaction_id)
        status = RenewalStatus.FAILED if self.behaviour == "fail" else RenewalStatus.APPLIED
        result = RenewalResult(transaction_id, status, offer_id,
                               reason_code="plan_closed" if status is RenewalStatus.FAILED
                               else None,
                               validity_end=NOW + timedelta(days=10),
                               allowances=Allowances(5120, 100, 50))
        self.renewals[transaction_id] = result
        if self.behaviour == "lost":
            raise RenewalOutcomeUnknown(transaction_id)
        return result

    def get_renewal(self, transaction_id):
        if self.behaviour == "unreachable":
            raise OperatorError("unreachable", "down", Category.TRANSIENT)
        return self.renewals.get(transaction_id)

    def cancel_renewal(self, transaction_id, reason):
        raise NotImplementedError

    def renewals_since(self, since):
        return list(self.renewals.values())


class RecordingPrinter:
    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.sales: list = []
        self.refunds: list = []

    def print_sale(self, sale) -> PrintOutcome:
        self.sales.append(sale)
        return PrintOutcome(self.works, "" if self.works else "paper out")

    def print_refund(self, refund) -> PrintOutcome:
        self.refunds.append(refund)
        return PrintOutcome(self.works)

    def ready(self) -> bool:
        return self.works


def demo_card(iccid: str, status: CardStatus = CardStatus.ACTIVE) -> CardInfo:
    return CardInfo(Iccid.parse(iccid), status, PLAN, NOW + timedelta(days=3),
                    Money(1000, "RUB"), Allowances(100, 10, 5), "+7 ******4567")
