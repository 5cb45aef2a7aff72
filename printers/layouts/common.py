"""What every layout shares: translation, per-locale money and time, the kiosk header."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.card import Allowances
from kiosk.core.messages import N_
from kiosk.core.money import Money
from kiosk.core.sale import KioskIdentity, PaymentMethod
from kiosk.i18n import Translator
from printers.document import Document

METHOD_NAMES = {
    PaymentMethod.CARD: N_("Bank card"),
    PaymentMethod.SBP_QR: N_("SBP (Faster Payments) QR"),
    PaymentMethod.ALIPAY: N_("Alipay"),
    PaymentMethod.WECHAT: N_("WeChat Pay"),
    PaymentMethod.CASH: N_("Cash"),
}


class Speaker:
    """One language and one timezone: everything a layout says goes through here."""

    def __init__(self, lang: str, timezone: str) -> None:
        self.translator = Translator(lang)
        self.lang = lang
        self.tz = ZoneInfo(timezone)

    def __call__(self, msgid: str, **params: object) -> str:
        text = self.translator.gettext(msgid)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, n: int) -> str:
        return self.translator.ngettext(singular, plural, n).format(n=self.translator.number(n))

    def money(self, amount: Money) -> str:
        return amount.format(self.lang)

    def when(self, moment: datetime) -> str:
        """Date and time on the kiosk's wall clock, wherever the code runs."""
        if moment.tzinfo is None:
            raise ValueError("receipt times must be timezone-aware")
        return self.translator.datetime(moment, "medium", tz=self.tz)

    def method(self, method: PaymentMethod) -> str:
        return self(METHOD_NAMES[method])

    def allowances(self, allowances: Allowances) -> list[tuple[str, str]]:
        rows = []
        if allowances.data_mb is not None:
            rows.append((self(N_("Data")), self(N_("{mb} MB"), mb=self.translator.number(
                allowances.data_mb))))
        if allowances.voice_min is not None:
            rows.append((self(N_("Calls")), self.plural(
                N_("{n} minute"), N_("{n} minutes"), allowances.voice_min)))
        if allowances.sms is not None:
            rows.append((self(N_("SMS")), self.translator.number(allowances.sms)))
        return rows


def kiosk_header(doc: Document, say: Speaker, kiosk: KioskIdentity, title: str) -> Document:
    """Operator, what this paper is, where it was printed."""
    doc.header(kiosk.operator_name, title, kiosk.location)
    doc.row(say(N_("Kiosk")), kiosk.kiosk_id)
    return doc


def support_footer(doc: Document, say: Speaker, kiosk: KioskIdentity) -> Document:
    doc.rule()
    return doc.footer(say(N_("Support: {contact}"), contact=kiosk.support_contact))
