"""The support contact, where a traveller may need a person: problems, blocks, help."""

from __future__ import annotations

from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.widgets import Text, column


def support_panel(c: Ctx) -> Widget | None:
    """"Need help?" and the support contact, or None when none is configured."""
    if not c.support:
        return None
    return column(c.m,
                  Text(c._("Need help?"), c.m, "body", bold=True, color=theme.ACCENT),
                  Text(c._("Call support: {contact}").format(contact=_unbroken(c.support)), c.m,
                       "large"),
                  panel=True, spacing=c.m.pad / 4)


def _unbroken(contact: str) -> str:
    """A phone number is read as one piece: it wraps whole, never between its groups."""
    return contact.replace(" ", "\u00a0")
