"""Receipt layouts: domain records in, translated ``Document`` out. Pure: no I/O."""

from printers.layouts.receipt import clerk_copy, customer_receipt
from printers.layouts.refund import refund_slip
from printers.layouts.shift_report import shift_report
from printers.layouts.test_page import printer_test_page

__all__ = ["clerk_copy", "customer_receipt", "printer_test_page", "refund_slip", "shift_report"]
