"""What the kiosk tells a person when the operator refuses or fails.

The operator's own ``message`` is English for engineers; people get a catalog message chosen
by the error code, else by the category. A message that needs a parameter is used only when
the operator sent that parameter as an integer, so rendering can never fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.errors import Category
from kiosk.core.messages import N_, Message

BY_CATEGORY = {
    Category.USER: N_("The operator could not accept this request. Please check and try again."),
    Category.TRANSIENT: N_(
        "The operator is not answering right now. Please try again in a moment."
    ),
    Category.OPERATIONAL: N_(
        "Renewals are not available at this kiosk right now. Please ask staff for help."
    ),
}

UNREACHABLE = N_("The operator cannot be reached right now. Please try again in a moment.")
BAD_ANSWER = N_("The operator sent an answer the kiosk cannot read. Please try again later.")
_CODE_SPENT = N_("This code is no longer valid. Please ask for a new one.")
_TRY_LATER = N_("Too many attempts. Please try again later.")

# code -> (message, parameters it needs from the error's details)
BY_CODE: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "iccid_invalid": (N_("The operator does not accept this card number."), ()),
    "card_not_found": (N_("The operator does not know this card. Please check the number."), ()),
    "card_blocked": (N_("This card is blocked by the operator. Please contact its support."), ()),
    "phone_required": (N_("This card has no phone number yet. Enter the number to bind."), ()),
    "phone_invalid": (N_("The operator does not accept this phone number."), ()),
    "phone_already_bound": (
        N_("This card already has a phone number; the code goes to that number."), ()
    ),
    "otp_wrong": (N_("Wrong code. Attempts left: {attempts_left}."), ("attempts_left",)),
    "otp_attempts_exhausted": (_TRY_LATER, ()),
    "otp_blocked": (_TRY_LATER, ()),
    "otp_resend_too_soon": (N_("Please wait a moment before asking for a new code."), ()),
    "otp_resends_exhausted": (N_("No more codes can be sent now. Please try again later."), ()),
    "otp_expired": (N_("The code has expired. Please ask for a new one."), ()),
    "otp_challenge_not_found": (_CODE_SPENT, ()),
    "otp_already_used": (_CODE_SPENT, ()),
    "verification_invalid": (
        N_("The confirmation has expired. Please confirm again with a new code."), ()
    ),
    "offer_not_found": (N_("This offer is no longer available. Please choose again."), ()),
    "offer_not_eligible": (N_("This card cannot buy this offer now."), ()),
    "amount_mismatch": (N_("The price has changed. Please choose again."), ()),
    "promotion_not_applicable": (
        N_("This promotion no longer applies. Please choose again."), ()
    ),
    "promotion_already_used": (N_("This promotion was already used with this card."), ()),
}


def _has_int(details: Mapping[str, Any], name: str) -> bool:
    value = details.get(name)
    return isinstance(value, int) and not isinstance(value, bool)


def message_for(code: str, category: Category, details: Mapping[str, Any]) -> Message:
    """The catalog message for an operator error, with its parameters filled in."""
    known = BY_CODE.get(code)
    if known is not None:
        text, needs = known
        if all(_has_int(details, name) for name in needs):
            return Message(text, {name: details[name] for name in needs})
    return Message(BY_CATEGORY[category])
