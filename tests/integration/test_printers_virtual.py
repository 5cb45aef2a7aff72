"""The printer service against the virtual printer over real TCP on loopback."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.config import Config, load
from kiosk.i18n import LANGUAGES
from printers.decode import Raster, text_lines
from printers.encode import encode
from printers.profiles import load_profile
from printers.samples import LAYOUTS, demo_refund, demo_sale, sample_document
from printers.service import ReceiptPrinter
from printers.status import Health
from printers.transports.file import FileTransport
from printers.transports.network import NetworkTransport
from printers.transports.serial import SerialTransport
from printers.virtual import VirtualPrinter

TIMEOUT_S = 1.0


@pytest.fixture
def virtual():
    with VirtualPrinter("TM-T88V") as printer:
        yield printer


@pytest.fixture
def printer(virtual):
    service = ReceiptPrinter(NetworkTransport(*virtual.address, timeout_s=TIMEOUT_S),
                             load_profile("TM-T88V"))
    yield service
    service.close()


@pytest.mark.parametrize("profile_name", ["POS-5890", "TM-T88V"])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_prints_and_is_confirmed(layout, lang, profile_name):
    profile = load_profile(profile_name)
    document = sample_document(layout, lang, profile)
    with VirtualPrinter(profile_name) as virtual:
        service = ReceiptPrinter(NetworkTransport(*virtual.address, timeout_s=TIMEOUT_S), profile)
        outcome = service.print_document(document)
        service.close()
        jobs = virtual.wait_for_jobs(1)
    if profile.confirms_jobs:
        assert outcome.confirmed, outcome.detail
    else:  # a generic 58 mm printer has no job confirmation: sent whole, honestly unconfirmed
        assert (outcome.confirmed, outcome.sent) == (False, True), outcome.detail
    assert len(jobs) == 1
    sent = encode(document, profile)
    assert sent in jobs[0].data
    assert jobs[0].text_lines == text_lines(sent, profile_name)


def test_confirmed_sale_and_refund(printer, virtual):
    assert printer.ready()
    assert printer.print_sale(demo_sale("ru")).confirmed
    assert printer.print_refund(demo_refund("zh_Hant")).confirmed
    jobs = virtual.wait_for_jobs(2)
    assert "Продление туристической SIM-карты" in jobs[0].text_lines
    assert jobs[1].text_lines[0] == "Travel Card Russia"  # Chinese labels come as images
    assert any(isinstance(item, Raster) for item in jobs[1].items)


def test_paper_out_refuses_before_sending(printer, virtual):
    virtual.state.paper_out = True
    assert printer.status().health is Health.PAPER_OUT
    assert not printer.ready()
    outcome = printer.print_sale(demo_sale("en"))
    assert not outcome.confirmed
    assert "paper_out" in outcome.detail
    assert virtual.jobs == []


def test_paper_near_end_still_prints_with_a_warning(printer, virtual):
    virtual.state.paper_near_end = True
    status = printer.status()
    assert status.health is Health.PAPER_NEAR_END and status.ready and status.warning
    assert printer.print_sale(demo_sale("en")).confirmed


@pytest.mark.parametrize(
    ("flag", "health"), [("cover_open", Health.COVER_OPEN), ("offline", Health.OFFLINE)]
)
def test_stopped_printer_is_not_ready(printer, virtual, flag, health):
    setattr(virtual.state, flag, True)
    assert printer.status().health is health
    assert not printer.ready()


def test_printer_that_answers_nothing_is_unreachable(printer, virtual):
    virtual.state.silent = True
    assert printer.status().health is Health.UNREACHABLE
    assert not printer.print_sale(demo_sale("en")).confirmed


def test_power_loss_mid_job_is_not_confirmed_then_reconnects(printer, virtual):
    assert printer.ready()
    virtual.power_off_after(600)  # dies a few hundred bytes into the receipt
    outcome = printer.print_sale(demo_sale("en"))
    assert not outcome.confirmed
    assert virtual.jobs == [] and virtual.lost_jobs == 1
    assert printer.status().health is Health.UNREACHABLE

    virtual.power_on()
    assert printer.ready()
    assert printer.print_sale(demo_sale("en")).confirmed
    assert len(virtual.wait_for_jobs(1)) == 1


def test_reconnects_after_a_power_cycle_between_jobs(printer, virtual):
    assert printer.print_sale(demo_sale("en")).confirmed
    virtual.power_off()
    virtual.power_on()  # the kiosk's old connection is now dead
    assert printer.print_sale(demo_sale("en")).confirmed
    assert len(virtual.wait_for_jobs(2)) == 2


def test_demo_config_prints_to_the_in_process_virtual_printer():
    service = ReceiptPrinter.from_config(load(None))
    try:
        assert service.virtual is not None
        assert service.print_sale(demo_sale("zh_Hans")).confirmed
        assert len(service.virtual.wait_for_jobs(1)) == 1
    finally:
        service.close()


def _config(**printer: object) -> Config:
    demo = load(None)
    values = {name: dict(section) for name, section in demo.values.items()}
    values["printer"].update(printer)
    return replace(demo, values=values)


def test_file_transport_writes_the_job(tmp_path):
    path = tmp_path / "receipts.bin"
    path.touch()  # a spool file the installer made; a missing path is an unplugged printer
    service = ReceiptPrinter.from_config(_config(transport="file", path=str(path)))
    assert isinstance(service.transport, FileTransport)
    assert service.print_sale(demo_sale("ru")).confirmed
    service.close()
    assert "Итого" in " ".join(text_lines(path.read_bytes(), "TM-T88V"))


def test_serial_transport_talks_to_the_printer(virtual):
    """pyserial's socket:// URL carries the serial code path to the virtual printer."""
    host, port = virtual.address
    service = ReceiptPrinter.from_config(
        _config(transport="serial", serial_device=f"socket://{host}:{port}")
    )
    try:
        assert isinstance(service.transport, SerialTransport)
        assert service.status().health is Health.READY
        assert service.print_sale(demo_sale("en")).confirmed
    finally:
        service.close()
