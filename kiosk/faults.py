"""Named fault points for crash testing: ``KIOSK_CRASH_AT=<step>`` kills the process there.

SIGKILL, not an exception: no ``finally``, no flush, no atexit, exactly like a power cut. The
recovery tests use it to prove the money rule holds whichever step the kiosk dies at.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

ENV_VAR = "KIOSK_CRASH_AT"
TRACE_VAR = "KIOSK_CRASH_TRACE"
_reached: Counter[str] = Counter()
_lock = threading.Lock()

STEPS = {
    "after_intent_journaled": "the sale and its payment intent are journaled; terminal not called",
    "after_payment_approved": "the terminal approved the charge; the kiosk has not journaled it",
    "after_payment_journaled": "the approval is journaled; the renewal intent is not",
    "after_renewal_intent": "the renewal intent is journaled; the request has not gone out",
    "after_renewal_sent": "the operator received the renewal request and has not applied it",
    "after_renewal_applied": "the operator applied the renewal; the kiosk has not journaled it",
    "during_receipt": "the receipt job went to the printer; its outcome is not journaled",
    "after_reversal_intent": "a reversal is journaled as intended; the terminal not yet asked",
    # Right after each external call returns, before its answer is journaled.
    "after_authorise_returned": "the terminal answered the authorisation; nothing journaled",
    "after_payment_query_returned": "the terminal answered a status query; nothing journaled",
    "after_reversal_returned": "the terminal answered the reversal; nothing journaled",
    "after_refund_intent": "a refund is journaled as intended; the terminal not yet asked",
    "after_refund_returned": "the terminal answered the refund; nothing journaled",
    "after_return_query_returned": "the terminal said what became of a return; not journaled",
    "after_renewal_returned": "the operator answered the renewal (any outcome); not journaled",
    "after_renewal_lookup_returned": "the operator answered a renewal lookup; not journaled",
    "after_book_intent": "booking the held amount is journaled; the terminal not yet asked",
    "after_book_returned": "the terminal answered the booking of a hold; nothing journaled",
    "after_release_intent": "releasing the held amount is journaled; the terminal not asked",
    "after_release_returned": "the terminal answered the release of a hold; nothing journaled",
    "during_recovery": "start-up recovery has begun settling a transaction",
}


def crash_point(step: str) -> None:
    """Die here, at once, if the environment asks for a crash at ``step``.

    ``KIOSK_CRASH_AT=step`` dies the first time the point is reached, ``step#N`` the Nth
    time; ``KIOSK_CRASH_TRACE=FILE`` appends ``step#N`` for every point reached, so a test
    can first learn where a scenario passes and then kill it at each of those moments.
    """
    if step not in STEPS:
        raise ValueError(f"unknown fault point {step!r}")
    with _lock:
        _reached[step] += 1
        mark = f"{step}#{_reached[step]}"
    trace = os.environ.get(TRACE_VAR)
    if trace:
        with open(trace, "a", encoding="utf-8") as out:
            out.write(mark + "\n")
    wanted = os.environ.get(ENV_VAR)
    if wanted == mark or (wanted == step and mark == f"{step}#1"):
        os.kill(os.getpid(), signal.SIGKILL)
