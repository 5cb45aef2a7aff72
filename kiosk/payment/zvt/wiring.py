"""How the composition root builds the ZVT terminal from ``[payment.zvt]``: in a demo the
terminal simulator runs on loopback and the adapter talks to it over real TCP; otherwise
the adapter connects to the configured terminal. Kept here so kiosk/app.py stays small."""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.config import Config
from kiosk.core.sale import PaymentMethod
from kiosk.payment.zvt.adapter import CURRENCIES, ZvtSettings, ZvtTerminal
from kiosk.payment.zvt.transport import Timeouts


def settings_from(config: Config, host: str | None = None, port: int | None = None) -> ZvtSettings:
    zvt = config.section("payment.zvt")
    timeouts = Timeouts(connect_s=float(zvt["connect_timeout_s"]),
                        ack_s=float(zvt["ack_timeout_s"]), idle_s=float(zvt["idle_timeout_s"]))
    return ZvtSettings(host or zvt["host"], port or zvt["port"], zvt["password"],
                       zvt["currency"], zvt["reservation"], timeouts)


# ``kiosk demo --pay`` (the payment simulator's scripts) as the ZVT simulator plays them
_DEMO_PAY = {
    "approve": ("approve", None), "decline": ("decline", None), "cancel": ("cancel", None),
    "busy": ("approve", "busy"), "timeout_before_send": ("approve", "nak"),
    "timeout_after_send": ("approve", "drop_before_completion"),
    "approve_then_lost": ("approve", "drop_after_status"),
}


# The statuses the demo terminal shows the customer: each is held this long before the next.
_PACED_STEPS = ("pin", "host", "status_information")


def zvt_payments(config: Config, data_dir: Path, kiosk: dict, pay: str | None = None,
                 prompt_pause_s: float = 0.0) -> dict:
    """``prompt_pause_s``: in the demo's window, how long the simulated terminal holds each
    of its prompts, as a real one does while the customer acts (0: at once)."""
    host = port = None
    if config.is_demo and config["payment.zvt.demo_simulator"]:
        from kiosk.payment.zvt.sim.terminal import TerminalSimulator

        zvt = config.section("payment.zvt")
        outcome, fault = _DEMO_PAY.get(pay or "approve", ("approve", None))
        sim = TerminalSimulator(data_dir / "zvt-sim" / "ledger.sqlite", zvt["password"],
                                CURRENCIES[zvt["currency"]], zvt["reservation"],
                                default=outcome, step=_paced(prompt_pause_s))
        if fault:
            sim.fault(fault)
        sim.start()
        kiosk["closers"].append(sim.stop)
        kiosk["simulators"]["zvt"] = sim
        host, port = sim.address
    terminal = ZvtTerminal(settings_from(config, host, port), data_dir / "zvt" / "refs.sqlite")
    kiosk["closers"].append(terminal.close)
    return {PaymentMethod.CARD: terminal}


def _paced(pause_s: float):
    def step(name: str) -> None:
        if pause_s > 0 and name in _PACED_STEPS:
            time.sleep(pause_s)

    return step
