"""Composition root: configuration -> adapters -> engine. The only module that knows every
concrete class. With the demo configuration it starts the simulators on loopback, each
keeping its state under the data directory so a restart (or a crash test) finds it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.config import Config, ConfigError
from kiosk.core.sale import KioskIdentity, PaymentMethod
from kiosk.flow.audit import audit
from kiosk.flow.checkout import Checkout, Retry
from kiosk.flow.engine import Engine, EngineSettings
from kiosk.flow.ports import OperatorPort, ReceiptPrinterPort
from kiosk.flow.recovery import Recovered, recover
from kiosk.flow.runner import Runner
from kiosk.journal.lock import DataDirLock
from kiosk.journal.store import Journal
from kiosk.payment.port import PaymentPort
from kiosk.payment.simulator import PaymentSimulator

AUDIT_DAYS = 7  # how far back start-up compares the devices' records with the journal


@dataclass
class Kiosk:
    config: Config
    data_dir: Path
    identity: KioskIdentity
    journal: Journal
    operator: OperatorPort
    payments: dict[PaymentMethod, PaymentPort]
    printer: ReceiptPrinterPort
    simulators: dict[str, Any] = field(default_factory=dict)
    _closers: list = field(default_factory=list)
    retry: Retry = field(default_factory=Retry)

    def checkout_for(self, method: PaymentMethod | str) -> Checkout:
        return self._checkout(self.payments[PaymentMethod(method)])

    def _checkout(self, port: PaymentPort) -> Checkout:
        return Checkout(self.journal, port, self.operator, self.printer, self.identity,
                        retry=self.retry)

    def engine(self, runner: Runner) -> Engine:
        c = self.config
        settings = EngineSettings(
            kiosk_id=c["kiosk.id"],
            timezone=ZoneInfo(c["kiosk.timezone"]),
            methods=tuple(self.payments),
            idle_timeout_s=c["ui.idle_timeout_s"],
            idle_warning_s=c["ui.idle_warning_s"],
            refuse_sale_without_printer=c["printer.refuse_sale_when_unavailable"],
            default_language=c["kiosk.default_language"],
            e_receipt_base_url=c["kiosk.e_receipt_base_url"],
            stop_on_review=c["kiosk.out_of_service_on_review"],
            support_contact=self.identity.support_contact,
        )
        return Engine(settings, self.operator, self.payments, self.printer, self.journal,
                      self._checkout, runner)

    def recover(self) -> list[Recovered]:
        """Settle what the journal left unfinished, then audit it against the devices'
        own records: what it does not account for waits for an engineer (findings)."""
        settled = recover(self.journal, self.checkout_for)
        ports = {id(port): port for port in self.payments.values()}  # one terminal, many methods
        since = datetime.now(UTC) - timedelta(days=AUDIT_DAYS)
        audit(self.journal, ports.values(), self.operator, since)
        return settled

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def _identity(config: Config) -> KioskIdentity:
    return KioskIdentity(config["kiosk.id"], config["kiosk.location"],
                         config["kiosk.operator_name"], config["kiosk.support_contact"],
                         config["kiosk.timezone"])


def _operator(config: Config, data_dir: Path, kiosk: dict, faults: tuple) -> OperatorPort:
    from kiosk.provider.client import OperatorClient

    if config["operator.backend"] == "simulator":
        from kiosk.provider.demo_data import DEMO_KIOSK_KEY
        from kiosk.provider.sim.faults import Fault
        from kiosk.provider.sim.server import OperatorSimulator

        # The simulator knows this kiosk by the configured id, as the operator would.
        keys = {config["kiosk.id"]: config["operator.kiosk_key"] or DEMO_KIOSK_KEY}
        sim = OperatorSimulator(data_dir / "operator-sim", keys=keys,
                                faults=[Fault.from_spec(spec) for spec in faults]).start()
        kiosk["closers"].append(sim.stop)
        kiosk["simulators"]["operator"] = sim
        client = OperatorClient.from_config(config, base_url=sim.url)
    else:
        client = OperatorClient.from_config(config)
    kiosk["closers"].append(client.close)
    return client


def _payments(config: Config, data_dir: Path, kiosk: dict, pay: str | None, reversal: bool,
              card_wait_s: float, hold: bool | None, prompt_pause_s: float = 0.0):
    if config["payment.backend"] == "zvt":
        from kiosk.payment.zvt.wiring import zvt_payments

        return zvt_payments(config, data_dir, kiosk, pay, prompt_pause_s)
    if config["payment.backend"] == "upos":
        from kiosk.payment.upos.wiring import upos_payments

        return upos_payments(config, data_dir)
    if not config.is_demo:  # kiosk run refuses this first (config.check_runnable); never money
        raise ConfigError([f"{config.source}: payment.backend: the simulator runs only in a "
                           "demo (demo = true)"])
    ledger = data_dir / "payment-sim" / "ledger.sqlite"
    ports = {
        PaymentMethod(m): PaymentSimulator(ledger, PaymentMethod(m), default=pay or "approve",
                                           allow_reversal=reversal, wait_for_card_s=card_wait_s,
                                           holds=bool(hold), prompt_pause_s=prompt_pause_s)
        for m in config["payment.methods"]
    }
    kiosk["simulators"]["payment"] = next(iter(ports.values()))
    return ports


def _printer(config: Config, data_dir: Path, kiosk: dict) -> ReceiptPrinterPort:
    from printers.service import ReceiptPrinter

    printer = ReceiptPrinter.from_config(config)
    kiosk["closers"].append(printer.close)
    return printer


def build(
    config: Config,
    data_dir: Path,
    pay: str | None = None,
    operator_faults: tuple = (),
    allow_reversal: bool = True,
    card_wait_s: float = 0.0,
    hold: bool | None = None,
    prompt_pause_s: float = 0.0,
) -> Kiosk:
    """Every adapter the configuration names, started. ``pay`` scripts the payment
    simulator's default outcome and ``operator_faults`` the operator simulator's faults
    (specs as ``kiosk provider-sim --fault`` takes them), ``hold`` whether the simulated
    terminal holds money first (``kiosk demo --hold``), ``prompt_pause_s`` how long each of
    its prompts stays (the demo's screens): demo and tests only."""
    lock = DataDirLock(data_dir).acquire()  # DataDirBusy: another kiosk runs on this dir
    parts: dict = {"closers": [lock.release], "simulators": {}}
    try:
        journal = Journal(data_dir / "journal.sqlite",
                          hash_key=config["journal.iccid_hash_key"].encode() or None)
        parts["closers"].append(journal.close)
        operator = _operator(config, data_dir, parts, operator_faults)
        payments = _payments(config, data_dir, parts, pay, allow_reversal, card_wait_s,
                             hold, prompt_pause_s)
        printer = _printer(config, data_dir, parts)
    except BaseException:
        for closer in reversed(parts["closers"]):
            closer()
        raise
    return Kiosk(config, data_dir, _identity(config), journal, operator, payments, printer,
                 parts["simulators"], parts["closers"])
