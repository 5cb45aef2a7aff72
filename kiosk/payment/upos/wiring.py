"""How the composition root builds Sber's terminal from ``[payment.upos]`` (kept here so
kiosk/app.py stays small); the configuration has already checked the program is there."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.config import Config
from kiosk.core.sale import PaymentMethod
from kiosk.payment.upos.adapter import UposSettings, UposTerminal


def upos_payments(config: Config, data_dir: Path) -> dict:
    upos = config.section("payment.upos")
    settings = UposSettings(
        executable=Path(upos["executable"]),
        config_dir=Path(upos["config_dir"]) if upos["config_dir"] else None,
        work_dir=data_dir / "upos",
        timeout_s=float(upos["timeout_s"]),
        query_timeout_s=float(upos["query_timeout_s"]),
        timezone=ZoneInfo(config["kiosk.timezone"]),
    )
    return {PaymentMethod.CARD: UposTerminal(settings)}
