"""What the terminal's codes mean for the kiosk: result codes (BMP 27, 06 1E) and the
intermediate status of 04 FF, mapped to the port's prompt codes."""

from __future__ import annotations

SUCCESS = 0x00
DECLINED = 0x05  # an authorisation-system code (01..63): "do not honour"
ABORTED = 0x6C  # abort via timeout or abort key: the customer or the ECR stopped it
FUNCTION_NOT_POSSIBLE = 0x83
ALREADY_REVERSED = 0xB4
REVERSAL_NOT_POSSIBLE = 0xB5
PRE_AUTH_ERROR = 0xB8
RECEIVER_NOT_READY = 0xA0  # the terminal is busy
SYSTEM_ERROR = 0xFF

# 04 FF intermediate status -> kiosk.payment.port prompt code (None: not shown)
_PROMPTS = {
    0x0A: "present_card",  # insert card
    0x2A: "present_card",  # for loading please insert card
    0x01: "enter_pin",  # please watch PIN-pad
    0x02: "enter_pin",
    0x43: "enter_pin",
    0x04: "processing",  # waiting for the response from the host
    0x0E: "processing",  # please wait
    0x17: "processing",
    0x0B: "remove_card",  # please remove card
    0x41: "remove_card",
}

INSERT_CARD = 0x0A
WATCH_PIN_PAD = 0x01
PLEASE_WAIT = 0x0E
HOST_RESPONSE = 0x04
REMOVE_CARD = 0x0B


def prompt_code(status: int) -> str | None:
    return _PROMPTS.get(status)


def reason(code: int) -> str:
    """A result code as the journal keeps it: two hex digits, as the terminal's manual
    lists them (e.g. "6C", "05")."""
    return f"{code:02X}"
