"""Paper running out in the middle of a receipt, and printers that cannot confirm a job, on
the virtual printer over real TCP (issue 19, printer defects 5 and 7)."""

from __future__ import annotations

import pytest

from kiosk.core.transaction import ReceiptState
from kiosk.flow.checkout import receipt_state
from printers.profiles import load_profile
from printers.samples import demo_sale
from printers.service import ReceiptPrinter
from printers.transports.network import NetworkTransport
from printers.virtual import VirtualPrinter


@pytest.fixture
def virtual():
    with VirtualPrinter("TM-T88V") as printer:
        yield printer


def service_for(virtual: VirtualPrinter) -> ReceiptPrinter:
    return ReceiptPrinter(NetworkTransport(*virtual.address, timeout_s=1.0),
                          load_profile(virtual.profile_name))


def test_a_receipt_held_by_a_paper_out_prints_once_when_the_roll_is_changed(virtual):
    service = service_for(virtual)
    try:
        assert service.ready()
        virtual.paper_out_after(400)  # the roll ends a little way into the receipt
        first = service.print_sale(demo_sale("en"))
        assert not first.confirmed and "paper ran out" in first.detail
        assert receipt_state(first) is ReceiptState.PENDING
        assert virtual.jobs == []

        virtual.load_paper()  # the printer finishes the held job and confirms it, late
        assert len(virtual.wait_for_jobs(1)) == 1
        assert service.ready()  # the kiosk's next look at the printer hears the late answer
        again = service.print_sale(demo_sale("en"))  # the reprint of that receipt
        assert again.confirmed and "late" in again.detail
        assert len(virtual.jobs) == 1  # one receipt for one sale, not two

        assert service.print_sale(demo_sale("ru")).confirmed  # the next job is its own
        jobs = virtual.wait_for_jobs(2)
        assert len(jobs) == 2 and "Продление туристической SIM-карты" in jobs[1].text_lines
        assert "Travel SIM card renewal" not in jobs[1].text_lines  # nothing glued onto it
    finally:
        service.close()


def test_a_printer_without_job_confirmation_is_sent_to_and_said_so():
    with VirtualPrinter("POS-5890") as virtual:
        service = service_for(virtual)
        try:
            outcome = service.print_sale(demo_sale("en"))
            assert (outcome.confirmed, outcome.sent) == (False, True)
            assert receipt_state(outcome) is ReceiptState.SENT
            assert len(virtual.wait_for_jobs(1)) == 1
            assert b"\x1d(H" not in virtual.jobs[0].data  # never asked what it cannot answer
        finally:
            service.close()
