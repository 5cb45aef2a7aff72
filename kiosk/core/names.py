"""Names the operator gives in several languages, and the one rule for picking one.

Offers, promotions and card plans all arrive with ``names`` per language (docs/operator-api.yaml,
``LocalizedNames``). The screen and the receipt pick the customer's language at the edge; one
function decides what a missing or empty translation falls back to, so every name on a screen
degrades the same way instead of each type growing its own copy of the rule.
"""

from __future__ import annotations

from collections.abc import Mapping

FALLBACK_LANGUAGE = "en"  # the API promises an English name for everything it names


def localized(names: Mapping[str, str], lang: str, fallback: str) -> str:
    """The name in ``lang``, else the English one, else ``fallback`` (the thing's id).

    An empty text counts as missing: a blank line on the screen tells the customer less than
    the English name or even the operator's id would.
    """
    return names.get(lang) or names.get(FALLBACK_LANGUAGE) or fallback
