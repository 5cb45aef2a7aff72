"""Message keys for the translation catalog.

Core code never translates: it marks user-facing text with ``N_`` so Babel extracts it, and
carries the untranslated key to the edge, where the UI or the printer translates it in the
customer's language. ``Message`` pairs a key with named parameters for interpolation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Message:
    """A catalog key and the values to interpolate once translated (``{name}`` style)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, gettext: Any = None) -> str:
        """Translate with ``gettext`` (identity when None) and fill in the parameters."""
        text = gettext(self.key) if gettext else self.key
        return text.format(**self.params) if self.params else text
