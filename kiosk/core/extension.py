"""What a renewal will do to a card's validity, known before it is paid for.

The confirm screen shows the new validity end before the customer pays, and the operator
(our simulator, and the contract it follows) applies the same rule when the renewal lands:
the days are added to the current end while the card is still valid, and to the moment of
the renewal once it has run out, so an expired card never "buys" days that have passed.
Both sides call ``extended_until``: the preview cannot drift from what the operator does.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def extended_until(validity_end: datetime | None, now: datetime, days: int) -> datetime | None:
    """The validity end after adding ``days`` at ``now``; None when there is nothing to add
    to and nothing added (a pack without days on a card without a validity date)."""
    if now.tzinfo is None or (validity_end is not None and validity_end.tzinfo is None):
        raise ValueError("times must be timezone-aware")
    if days < 0:
        raise ValueError("days cannot be negative")
    if not days:
        return validity_end
    start = validity_end if validity_end is not None and validity_end > now else now
    return start + timedelta(days=days)


def days_added(validity_days: int, bonus_days: int) -> int:
    """An offer's own days plus the promotion's bonus days (bonus days come only with
    validity, ``Promotion.covers``)."""
    return validity_days + bonus_days if validity_days else 0
