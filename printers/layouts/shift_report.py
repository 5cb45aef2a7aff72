"""Shift X (interim) and Z (closing) reports for the clerk."""

from __future__ import annotations

from kiosk.core.messages import N_
from kiosk.core.sale import KioskIdentity
from printers.document import Document
from printers.layouts.common import Speaker, kiosk_header
from printers.shift import ReportKind, ShiftTotals

TITLES = {ReportKind.X: N_("X report (shift open)"), ReportKind.Z: N_("Z report (shift closed)")}


def shift_report(totals: ShiftTotals, kiosk: KioskIdentity, lang: str = "ru") -> Document:
    say = Speaker(lang, kiosk.timezone)
    doc = kiosk_header(Document(f"{totals.kind}_report"), say, kiosk, say(TITLES[totals.kind]))
    doc.row(say(N_("Shift")), say.translator.number(totals.shift_number))
    doc.row(say(N_("Clerk")), totals.clerk)
    doc.row(say(N_("Opened")), say.when(totals.opened_at))
    doc.row(say(N_("Printed")), say.when(totals.printed_at))
    doc.rule()
    count = 0
    for line in totals.sales:
        count += line.count
        doc.row(f"{say.method(line.method)} x{line.count}", say.money(line.amount))
    doc.row(say(N_("Sales")), say.translator.number(count))
    doc.total(say(N_("Gross")), say.money(totals.gross()))
    if totals.refunds_amount is not None:
        refunds = say(N_("Refunds"))
        doc.row(f"{refunds} x{totals.refunds_count}", say.money(-totals.refunds_amount))
    doc.total(say(N_("Net")), say.money(totals.net()))
    if totals.pending_receipts:
        doc.rule().row(say(N_("Receipts pending reprint")), str(totals.pending_receipts))
    return doc
