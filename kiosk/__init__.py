"""Travel Card Renewal Kiosk."""

__version__ = "0.1.0"
