"""Named fault points for crash testing: ``KIOSK_CRASH_AT=<step>`` kills the process there.

SIGKILL, not an exception: no ``finally``, no flush, no atexit, exactly like a power cut. The
recovery tests use it to prove the money rule holds whichever step the kiosk dies at.
"""

from __future__ import annotations

import os
import signal

ENV_VAR = "KIOSK_CRASH_AT"

STEPS = {
    "after_intent_journaled": "the sale and its payment intent are journaled; terminal not called",
    "after_payment_approved": "the terminal approved the charge; the kiosk has not journaled it",
    "after_payment_journaled": "the approval is journaled; the renewal intent is not",
    "after_renewal_intent": "the renewal intent is journaled; the request has not gone out",
    "after_renewal_sent": "the operator received the renewal request and has not applied it",
    "after_renewal_applied": "the operator applied the renewal; the kiosk has not journaled it",
    "during_receipt": "the receipt job went to the printer; its outcome is not journaled",
    "after_reversal_intent": "a reversal is journaled as intended; the terminal not yet asked",
}


def crash_point(step: str) -> None:
    """Die here, at once, if the environment asks for a crash at ``step``."""
    if step not in STEPS:
        raise ValueError(f"unknown fault point {step!r}")
    if os.environ.get(ENV_VAR) == step:
        os.kill(os.getpid(), signal.SIGKILL)
