"""Error types shared by the whole kiosk.

Every error that can reach a person carries a catalog ``Message`` and a category, so the UI
knows both what to say and what to do next: let the user fix it, retry or wait, or stop
selling and call staff.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kiosk.core.messages import Message


class Category(StrEnum):
    USER = "user"  # the customer can fix it (wrong code, unknown card)
    TRANSIENT = "transient"  # try again shortly (network, busy device)
    OPERATIONAL = "operational"  # staff must act (configuration, operator refuses the kiosk)


class KioskError(Exception):
    """Base of all expected errors; ``code`` is a stable machine name, ``message`` for people."""

    category: Category = Category.OPERATIONAL

    def __init__(
        self,
        code: str,
        message: Message | str,
        category: Category | None = None,
        **details: Any,
    ) -> None:
        self.code = code
        self.message = message if isinstance(message, Message) else Message(message)
        if category is not None:
            self.category = category
        self.details = details
        super().__init__(f"{code}: {self.message.render()}")


class InvalidInput(KioskError):
    """Something a person typed or scanned is not acceptable; nothing has changed."""

    category = Category.USER


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined: a programming or data error."""
