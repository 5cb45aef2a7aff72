"""Colours and sizes: high contrast, large text, touch targets of at least 10 mm.

Sizes scale with the short side of the window so a 1080-wide portrait panel and a 1080-high
landscape panel read the same; at kiosk panel densities (~96 dpi) 80 px is 21 mm, so the
smallest button (``TOUCH``) stays well above 10 mm even on a 720 px panel.
"""

from __future__ import annotations

from dataclasses import dataclass

BACKGROUND = (0.06, 0.09, 0.16, 1)  # near-black navy
PANEL = (0.13, 0.18, 0.29, 1)
PANEL_LIGHT = (0.20, 0.26, 0.40, 1)
TEXT = (1, 1, 1, 1)
MUTED = (0.80, 0.85, 0.93, 1)
ACCENT = (1.0, 0.78, 0.18, 1)  # amber: prices, badges, countdowns
PRIMARY = (0.05, 0.55, 0.30, 1)  # go on
SECONDARY = (0.27, 0.36, 0.55, 1)  # back, other choices
DANGER = (0.75, 0.16, 0.16, 1)  # cancel
ERROR_TEXT = (1.0, 0.55, 0.50, 1)
BADGE = (0.85, 0.15, 0.35, 1)
DARK_TEXT = (0.05, 0.05, 0.08, 1)

BUTTON_COLOURS = {"primary": PRIMARY, "secondary": SECONDARY, "danger": DANGER,
                  "panel": PANEL_LIGHT, "accent": ACCENT}


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one window; ``u`` is one unit of a 1080 px short side."""

    width: int
    height: int

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def u(self) -> float:
        return min(self.width, self.height) / 1080

    def px(self, value: float) -> float:
        return round(value * self.u)

    @property
    def touch(self) -> float:
        """The smallest touch target: never below 80 px."""
        return max(80, self.px(110))

    @property
    def big_button(self) -> float:
        return max(96, self.px(140))

    @property
    def pad(self) -> float:
        return self.px(28)

    def font(self, role: str) -> float:
        sizes = {"huge": 84, "title": 62, "large": 50, "body": 42, "small": 34, "key": 64}
        return self.px(sizes[role])
