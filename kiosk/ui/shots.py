"""The walk behind ``kiosk screenshots``: one scenario per kind of session, a PNG per screen.

Each scenario builds the kiosk afresh on the demo simulators in a throw-away data directory,
so every run shows the same cards, prices and promotions.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.base import EventLoop
from kivy.core.window import Window

from kiosk import app
from kiosk import config as config_mod
from kiosk.core.sale import PaymentMethod
from kiosk.flow.view import Step
from kiosk.payment.simulator import Script
from kiosk.provider import demo_data
from kiosk.provider.testing import sent_code
from kiosk.ui.kiosk_app import KioskApp
from kiosk.ui.main import demo_cards
from kiosk.ui.root import KioskRoot
from kiosk.ui.screenshots import HeldRunner
from kiosk.ui.theme import Metrics

METHODS = ["card", "sbp_qr", "cash"]


class Session:
    """One kiosk on the demo simulators, its engine held by a ``HeldRunner``, on screen."""

    def __init__(self, size: tuple[int, int], lang: str, faults: tuple = ()) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="kiosk-shots-"))
        values, _ = config_mod.validate({"payment": {"methods": METHODS}}, "<screenshots>")
        cfg = config_mod.Config(values, None)
        self.kiosk = app.build(cfg, self.tmp, operator_faults=faults)
        self.runner = HeldRunner()
        self.engine = self.kiosk.engine(self.runner)
        self.metrics = Metrics(*size)
        self.app = KioskApp(lambda: KioskRoot(self.engine, self.metrics,
                                              ZoneInfo(cfg["kiosk.timezone"]),
                                              demo_cards=demo_cards()), kiosk_mode=False)
        self.app._run_prepare()
        self.root: KioskRoot = self.app.kiosk_root
        self.engine.set_language(lang)

    def settle(self, ready: Callable[[], bool] = lambda: True) -> None:
        self.runner.release_until(ready)
        frames = 0
        while frames < 4 or (self.root.building() and frames < 500):
            EventLoop.idle()
            frames += 1

    def step_is(self, step: Step) -> Callable[[], bool]:
        return lambda: self.engine.view.step is step

    def look_up(self, iccid: str, until: Step) -> None:
        self.engine.identify(iccid)
        self.settle(self.step_is(until))

    def to_code(self, iccid: str = demo_data.ICCID_ACTIVE) -> None:
        self.look_up(iccid, Step.CARD)
        self.engine.choose_offer(self.engine.view.offers[0].offer.id)
        self.engine.confirm_offer()
        if self.engine.view.step is Step.PHONE:
            self.engine.enter_phone(demo_data.PHONE_TO_BIND)
        self.settle(self.step_is(Step.CODE))

    def verify(self, until: Step = Step.PAYMENT) -> None:
        code = sent_code(self.kiosk.simulators["operator"], self.engine.view.code.challenge_id)
        self.engine.submit_code(code)
        self.settle(self.step_is(until))

    def pay_by_card(self, until: Step) -> None:
        """From the card's offers to the end of a card payment that ends at ``until``."""
        self.to_code()
        self.verify()
        self.engine.pay(PaymentMethod.CARD)
        self.settle(self.step_is(until))

    def terminals_online(self, online: bool) -> None:
        for terminal in self.kiosk.payments.values():
            terminal.online = online

    def close(self) -> None:
        self.app.detach()
        Window.remove_widget(self.root)
        self.kiosk.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Shooter:
    def __init__(self, size: tuple[int, int], folder: Path) -> None:
        self.size, self.folder, self.lang, self.count = size, folder, "en", 0

    def shot(self, session: Session, name: str) -> None:
        session.settle()
        made = Window.screenshot(name=str(self.folder / "shot.png"))
        Path(made).replace(self.folder / f"{name}-{self.lang}.png")
        self.count += 1

    def all_screens(self, lang: str) -> int:
        self.lang, self.count = lang, 0
        for scenario in (self.renewal, self.paying_qr, self.identify_screens, self.phone,
                         self.declined,
                         self.refunded, self.unknown, self.blocked, self.expired,
                         self.wrong_code, self.no_paper, self.unreachable,
                         self.terminal_gone, self.out_of_service, self.code_wait):
            session = Session(self.size, lang, *self._faults(scenario))
            try:
                scenario(session)
            finally:
                session.close()
        return self.count

    def _faults(self, scenario) -> tuple:
        if scenario == self.refunded:
            return (("renewal_failed",),)
        if scenario == self.unreachable:
            return (("server_error,path=/v1/cards,count=0",),)
        return ()

    def identify_screens(self, s: Session) -> None:
        self.shot(s, "attract")
        s.root._open("help")()
        self.shot(s, "help")
        s.root._open("staff")()
        self.shot(s, "staff")
        s.root._open(None)()
        s.root.ui.mode = "scan"
        s.root.rerender()
        self.shot(s, "scan")
        s.root.ui.mode = "keypad"
        s.root.ui.entry("iccid", 20).text = "7"
        s.root.rerender()
        self.shot(s, "keypad-error")
        s.root.ui.entry("iccid", 20).text = demo_data.ICCID_ACTIVE[:12]
        s.root.rerender()
        self.shot(s, "keypad")

    def renewal(self, s: Session) -> None:
        s.engine.identify(demo_data.ICCID_ACTIVE)
        self.shot(s, "looking_up")
        s.settle(s.step_is(Step.CARD))
        self.shot(s, "card")
        s.root.ui.offer_group = "Combo packs"  # the tab, as a touch on it would
        s.root.rerender()
        self.shot(s, "card-combos")
        s.root.ui.offer_group = None
        promo = next((o for o in s.engine.view.offers if o.price.promotion), None)
        s.engine.choose_offer((promo or s.engine.view.offers[0]).offer.id)
        self.shot(s, "offer")
        s.engine.confirm_offer()
        self.shot(s, "sending_code")
        s.settle(s.step_is(Step.CODE))
        self.shot(s, "code")
        self._idle_warning(s)
        s.verify()
        self.shot(s, "payment")
        s.engine.pay(PaymentMethod.CARD)
        s.settle(lambda: s.engine.view.prompt is not None)
        self.shot(s, "paying")
        s.settle(s.step_is(Step.RENEWING))
        self.shot(s, "renewing")
        s.settle(s.step_is(Step.DONE))
        self.shot(s, "done")

    def paying_qr(self, s: Session) -> None:
        """A wallet's paying screen: the code to scan with the phone."""
        s.to_code()
        s.verify()
        s.engine.pay(PaymentMethod.SBP_QR)
        s.settle(lambda: s.engine.view.prompt is not None)
        self.shot(s, "paying-sbp_qr")

    def _idle_warning(self, s: Session) -> None:
        real = s.engine.now
        s.engine.now = lambda: datetime.now(UTC) + timedelta(seconds=50)
        s.engine.tick()
        self.shot(s, "idle")
        s.engine.now = real
        s.engine.touch()

    def phone(self, s: Session) -> None:
        s.look_up(demo_data.ICCID_NO_PHONE, Step.CARD)
        s.engine.choose_offer(s.engine.view.offers[0].offer.id)
        s.engine.confirm_offer()
        s.root.ui.entry("phone", 16).text = "+7905"
        s.root.rerender()
        self.shot(s, "phone")

    def declined(self, s: Session) -> None:
        s.kiosk.simulators["payment"].script_next(Script.DECLINE)
        s.pay_by_card(Step.PROBLEM)
        self.shot(s, "problem-declined")

    def refunded(self, s: Session) -> None:
        s.pay_by_card(Step.PROBLEM)
        self.shot(s, f"problem-{s.engine.view.problem.code}")

    def unknown(self, s: Session) -> None:
        s.look_up(demo_data.ICCID_UNKNOWN, Step.PROBLEM)
        self.shot(s, "problem-card_unknown")

    def blocked(self, s: Session) -> None:
        s.look_up(demo_data.ICCID_BLOCKED, Step.PROBLEM)
        self.shot(s, "problem-card_blocked")

    def expired(self, s: Session) -> None:
        s.look_up(demo_data.ICCID_EXPIRED, Step.CARD)
        self.shot(s, "card-expired")

    def wrong_code(self, s: Session) -> None:
        s.to_code()
        s.engine.submit_code("000000")
        s.settle(lambda: s.engine.view.code is not None and s.engine.view.code.error is not None)
        self.shot(s, "code-wrong")

    def no_paper(self, s: Session) -> None:
        s.kiosk.printer.virtual.state.paper_out = True
        s.pay_by_card(Step.DONE)
        self.shot(s, "done-no_paper")

    def unreachable(self, s: Session) -> None:
        s.look_up(demo_data.ICCID_ACTIVE, Step.PROBLEM)
        self.shot(s, "problem-operator_unreachable")

    def terminal_gone(self, s: Session) -> None:
        s.to_code()
        s.terminals_online(False)
        s.verify(until=Step.PROBLEM)
        self.shot(s, "problem-payment_unavailable")

    def out_of_service(self, s: Session) -> None:
        s.terminals_online(False)
        s.engine.check_service()
        s.settle(lambda: s.engine.view.out_of_service)
        self.shot(s, "out_of_service")

    def code_wait(self, s: Session) -> None:
        """A new session for a card whose code went out moments ago: the operator's cool-down
        counts down."""
        s.to_code()
        s.engine.cancel()  # back to the default language, as every return to the start
        s.engine.set_language(self.lang)
        s.look_up(demo_data.ICCID_ACTIVE, Step.CARD)
        s.engine.choose_offer(s.engine.view.offers[0].offer.id)
        s.engine.confirm_offer()
        s.settle(s.step_is(Step.PROBLEM))
        self.shot(s, "problem-code_wait")
