"""The engineer's test page: proves the profile, code pages, graphics and cutter work."""

from __future__ import annotations

from datetime import datetime

from kiosk import __version__
from kiosk.core.messages import N_
from kiosk.core.sale import KioskIdentity
from printers.document import Document
from printers.layouts.common import Speaker, kiosk_header
from printers.profiles import PrinterProfile

# One line per script the kiosk prints, each in its own language (not translated).
CODE_PAGE_SAMPLE = (
    "Latin: The quick brown fox 0123456789",
    "Кириллица: Съешь же ещё этих булок",
    "简体中文：旅行卡续费",
    "繁體中文：旅行卡續費",
)


def printer_test_page(
    kiosk: KioskIdentity, profile: PrinterProfile, when: datetime, lang: str = "en"
) -> Document:
    say = Speaker(lang, kiosk.timezone)
    doc = kiosk_header(Document("test_page"), say, kiosk, say(N_("Printer test page")))
    doc.row(say(N_("Date")), say.when(when))
    doc.row(say(N_("Software version")), __version__)
    doc.row(say(N_("Printer profile")), profile.name)
    doc.row(say(N_("Paper width")), f"{profile.paper_mm} mm / {profile.width_dots} dots")
    doc.row(say(N_("Characters per line")), str(profile.columns))
    doc.rule().text(say(N_("Code page sample")), bold=True)
    doc.notes(*CODE_PAGE_SAMPLE)
    doc.rule().qr(f"kiosk:{kiosk.kiosk_id}:test", say(N_("QR code test")))
    return doc.barcode(kiosk.kiosk_id)
