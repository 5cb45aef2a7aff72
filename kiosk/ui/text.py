"""The words on the screens, built from View data in the customer's language.

No Kivy here: plain functions from a ``Translator`` and view data to strings, so the wording
is readable in one place. Every literal is marked with ``_``/``N_`` for the catalogs.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal

from kiosk.core.card import Allowances, CardStatus
from kiosk.core.messages import N_
from kiosk.core.money import Money
from kiosk.core.offers import Offer, OfferKind, Period
from kiosk.core.promotions import PriceBreakdown, PromoKind
from kiosk.core.sale import PaymentMethod
from kiosk.core.transaction import ReceiptState
from kiosk.flow.view import Action, CardView, Step
from kiosk.i18n import Translator

WELCOME = N_("Renew your travel SIM card here")
WELCOME_HINT = N_("Hold the card's barcode under the camera, or touch to start")
OUT_OF_SERVICE = N_("This kiosk is out of service")
OUT_OF_SERVICE_HINT = N_("Please use another kiosk or ask staff for help. "
                         "No card or payment is taken here now.")

# Validity first (what most travellers come for), then the combos that bundle everything,
# so both are on the first screen of offers without scrolling.
GROUPS = (
    (N_("Extend validity"), (OfferKind.VALIDITY,)),
    (N_("Combo packs"), (OfferKind.COMBO,)),
    (N_("Mobile data"), (OfferKind.DATA,)),
    (N_("Calls and SMS"), (OfferKind.VOICE, OfferKind.SMS)),
)
BEST_VALUE = N_("Best value")

PERIODS = {
    Period.DAILY: N_("every day"),
    Period.WEEKLY: N_("every week"),
    Period.MONTHLY: N_("every month"),
}

METHODS = {
    PaymentMethod.CARD: N_("Bank card"),
    PaymentMethod.SBP_QR: N_("SBP (QR code)"),
    PaymentMethod.ALIPAY: N_("Alipay"),
    PaymentMethod.WECHAT: N_("WeChat Pay"),
    PaymentMethod.CASH: N_("Cash"),
}

ACTIONS = {
    Action.RETRY: N_("Try again"),
    Action.OTHER_METHOD: N_("Pay another way"),
    Action.SCAN_AGAIN: N_("Scan another card"),
    Action.CHOOSE_OTHER: N_("Choose another offer"),
    Action.FINISH: N_("Finish"),
}

WORKING = {
    Step.LOOKING_UP: N_("Looking up your card..."),
    Step.SENDING_CODE: N_("Sending you a code by SMS..."),
    Step.RENEWING: N_("Renewing your card. Please do not leave..."),
    Step.PAYING: N_("Connecting to the payment terminal..."),
}

RECEIPTS = {
    ReceiptState.PRINTED: N_("Please take your receipt."),
    ReceiptState.PENDING: N_("The printer could not print your receipt. "
                             "Scan the QR code for your e-receipt."),
    ReceiptState.NONE: N_("Scan the QR code for your e-receipt."),
    ReceiptState.SENT: N_("Please take your receipt. If none came out, scan the QR code for "
                          "your e-receipt."),
}

STATUS = {
    CardStatus.ACTIVE: N_("Active"),
    CardStatus.EXPIRED: N_("Expired"),
    CardStatus.BLOCKED: N_("Blocked"),
    CardStatus.UNKNOWN: N_("Unknown"),
}


# The one font that covers Latin, Cyrillic and CJK has no rouble sign (U+20BD): it would
# show as a box, so the screen writes the sign the way Russian price tags always have.
_NO_GLYPH = {"₽": "руб."}


def money(t: Translator, amount: Money) -> str:
    """``amount`` in the customer's locale, in characters the kiosk font can draw."""
    text = amount.format(t.lang)
    for sign, words in _NO_GLYPH.items():
        text = text.replace(sign, words)
    return text


def local_date(t: Translator, when: datetime, tz: tzinfo) -> str:
    return t.date(when.astimezone(tz).date(), "long")


def validity(t: Translator, end: datetime | None, days_left: int, tz: tzinfo) -> str:
    """Plain words: "Valid until 28 November 2026, 3 days left"."""
    if end is None:
        return t.gettext(N_("No validity date"))
    date = local_date(t, end, tz)
    if days_left <= 0:
        return t.gettext(N_("Expired on {date}")).format(date=date)
    if days_left == 1:
        return t.gettext(N_("Valid until {date}, last day")).format(date=date)
    return t.gettext(N_("Valid until {date}, {days} days left")).format(date=date, days=days_left)


def data_amount(t: Translator, mb: int) -> str:
    if mb >= 1024:
        gb = (Decimal(mb) / 1024).quantize(Decimal("0.1"))  # "3,4 ГБ" in Russian, "5 GB"
        return t.gettext(N_("{amount} GB")).format(amount=t.number(gb))
    return t.gettext(N_("{amount} MB")).format(amount=t.number(mb))


def allowances(t: Translator, a: Allowances | None) -> list[str]:
    """One short line per allowance the plan has (None means not part of it)."""
    if a is None:
        return []
    lines = []
    if a.data_mb is not None:
        lines.append(t.gettext(N_("Data: {amount}")).format(amount=data_amount(t, a.data_mb)))
    if a.voice_min is not None:
        lines.append(t.gettext(N_("Calls: {count} min")).format(count=t.number(a.voice_min)))
    if a.sms is not None:
        lines.append(t.gettext(N_("SMS: {count}")).format(count=t.number(a.sms)))
    return lines


def card_summary(t: Translator, card: CardView, tz: tzinfo) -> list[str]:
    return [
        t.gettext(N_("Card {number} · {status}")).format(
            number=card.iccid_masked, status=t.gettext(STATUS[card.status])),
        t.gettext(N_("Plan: {name}")).format(name=card.plan.name(t.lang)),
        validity(t, card.validity_end, card.days_left, tz),
        t.gettext(N_("Balance: {amount}")).format(amount=money(t, card.balance)),
    ]


def offer_gives(t: Translator, offer: Offer) -> list[str]:
    """What the customer gets, one line each: "+7 days", "5 GB data", "100 min calls"."""
    lines = []
    if offer.validity_days:
        lines.append(t.gettext(N_("+{days} days of validity")).format(days=offer.validity_days))
    if offer.data_mb:
        lines.append(t.gettext(N_("{amount} of data")).format(
            amount=data_amount(t, offer.data_mb)))
    if offer.voice_min:
        lines.append(t.gettext(N_("{count} min of calls")).format(count=offer.voice_min))
    if offer.sms:
        lines.append(t.gettext(N_("{count} SMS")).format(count=offer.sms))
    if offer.period in PERIODS:
        lines.append(t.gettext(PERIODS[offer.period]))
    return lines


def badge(t: Translator, price: PriceBreakdown) -> str | None:
    """The promotion badge on an offer card, or None without a promotion."""
    promo = price.promotion
    if promo is None:
        return None
    if promo.kind is PromoKind.BONUS_DAYS:
        return t.gettext(N_("+{days} days free")).format(days=price.bonus_days)
    return t.gettext(N_("Save {amount}")).format(amount=money(t, price.discount))


def breakdown(t: Translator, price: PriceBreakdown) -> list[tuple[str, str]]:
    """The price breakdown rows shown before paying: (label, amount)."""
    rows = [(t.gettext(N_("Price")), money(t, price.list_price))]
    if price.promotion is not None:
        name = price.promotion.name(t.lang)
        if price.discount:
            rows.append((t.gettext(N_("Discount: {name}")).format(name=name),
                         "−" + money(t, price.discount)))
        if price.bonus_days:
            rows.append((t.gettext(N_("Bonus: {name}")).format(name=name),
                         t.gettext(N_("+{days} days free")).format(days=price.bonus_days)))
    rows.append((t.gettext(N_("To pay")), money(t, price.total)))
    return rows


def seconds(t: Translator, count: int) -> str:
    return t.gettext(N_("{count} s")).format(count=count)
