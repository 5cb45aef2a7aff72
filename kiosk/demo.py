"""``kiosk demo``: the kiosk on its embedded simulators.

With ``--config FILE`` the file is validated and its values used (kiosk id, texts, language,
screen, timeouts...), still on the simulators; ``kiosk run`` is the kiosk as configured.

``--headless`` runs one whole renewal from the command line, printing every step the screen
would show, so each branch (decline, refund, unknown outcomes, crashes) can be shown from a
shell. Its last line is ``final: <state>``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from kiosk import config as config_mod
from kiosk.flow.runner import InlineRunner
from kiosk.flow.view import Step, View
from kiosk.i18n import LANGUAGES, Translator
from kiosk.paths import data_dir as resolve_data_dir
from kiosk.payment.simulator import Script


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the kiosk on the embedded simulators")
    parser.add_argument("--headless", action="store_true", help="no UI: one renewal in text")
    parser.add_argument("--list", action="store_true", help="list demo cards and offers")
    parser.add_argument("--card", help="ICCID of a demo card (default: the active one)")
    parser.add_argument("--offer", help="offer id (default: the first the card may buy)")
    parser.add_argument("--pay", default="approve", choices=[s.value for s in Script],
                        help="what the payment terminal simulator does")
    parser.add_argument("--refuse-reversal", action="store_true",
                        help="the terminal refuses reversals (day closed): returns go as refunds")
    parser.add_argument("--hold", action="store_true", default=None,
                        help="the terminal holds the money and books it after the renewal")
    parser.add_argument("--card-wait", type=float, default=0.0, metavar="SECONDS",
                        help="the terminal waits this long for the customer's card")
    parser.add_argument("--operator-fault", action="append", default=[], metavar="SPEC",
                        type=_fault_spec,
                        help="a fault for the operator simulator, e.g. renewal_failed")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of the printed steps "
                        "(default: kiosk.default_language)")
    parser.set_defaults(handler=run)


def _fault_spec(spec: str) -> str:
    """A spec the operator simulator takes, checked while the options are read."""
    from kiosk.provider.sim.faults import Fault

    try:
        Fault.from_spec(spec)
    except (ValueError, TypeError, KeyError) as exc:
        raise argparse.ArgumentTypeError(f"{spec!r}: {exc}") from None
    return spec


def run(args: argparse.Namespace) -> int:
    from kiosk import app
    from kiosk.provider import demo_data

    if args.list:
        return list_demo(demo_data, sys.stdout)
    loaded = getattr(args, "loaded_config", None)
    cfg = loaded.as_demo() if loaded else config_mod.load(None)
    if not args.headless:
        try:
            from kiosk.ui.main import run_ui
        except ImportError:
            print("the touch UI is not part of this build yet; running --headless", file=sys.stderr)
        else:
            return run_ui(args, cfg, kiosk_mode=False)
    lang = args.lang or cfg["kiosk.default_language"]
    kiosk = app.build(cfg, resolve_data_dir(args.data_dir), pay=args.pay,
                      operator_faults=tuple(args.operator_fault),
                      allow_reversal=not args.refuse_reversal, card_wait_s=args.card_wait,
                      hold=args.hold)
    try:
        for line in kiosk.recover():
            print(f"recovered {line.tx_id}: {line.before} -> {line.after}")
        final = headless(kiosk, args.card or demo_data.ICCID_ACTIVE, args.offer, lang, sys.stdout)
    finally:
        kiosk.close()
    print(f"final: {final}")
    return 0


def list_demo(demo_data, out: TextIO) -> int:
    for card in demo_data.CARDS:
        phone = "no bound phone" if card.phone is None else "phone bound"
        plan = demo_data.PLANS[card.plan_id].name("en")
        out.write(f"card  {card.iccid}  {card.status:<8} {plan}, {phone}\n")
    out.write(f"card  {demo_data.ICCID_UNKNOWN}  unknown  (not known to the operator)\n")
    for offer in demo_data.OFFERS:
        out.write(f"offer {offer.id:<14} {offer.kind:<9} {offer.price}\n")
    return 0


class StepPrinter:
    """Prints each new screen the engine publishes, translated, as a traveller would see it."""

    def __init__(self, out: TextIO, lang: str) -> None:
        self.out, self.t, self.last = out, Translator(lang), None

    def __call__(self, view: View) -> None:
        key = (view.step, view.prompt, view.problem, view.input_error)
        if key == self.last:
            return
        self.last = key
        self.out.write(f"[{view.step}] {self.describe(view)}\n")

    def describe(self, v: View) -> str:
        t = self.t
        if v.input_error:
            return t.message(v.input_error)
        if v.step is Step.CARD and v.card:
            end = t.date(v.card.validity_end) if v.card.validity_end else "-"
            return (f"card {v.card.iccid_masked} {v.card.status}, plan {v.card.plan.name(t.lang)}, "
                    f"valid until {end}, balance {v.card.balance.format(t.lang)}, "
                    f"{len(v.offers)} offers")
        if v.step is Step.OFFER and v.chosen:
            p = v.chosen.price
            promo = p.promotion.name(t.lang) if p.promotion else "-"
            return (f"{v.chosen.offer.name(t.lang)}: {p.list_price.format(t.lang)} "
                    f"- {p.discount.format(t.lang)} ({promo}) = {p.total.format(t.lang)}"
                    + (f", +{p.bonus_days} days" if p.bonus_days else ""))
        if v.step is Step.CODE and v.code:
            error = f" ({t.message(v.code.error)})" if v.code.error else ""
            return (f"code sent to {v.code.phone_masked}, "
                    f"{v.code.attempts_left} attempts{error}")
        if v.step is Step.PAYING and v.prompt:
            return t.gettext(v.prompt.message)
        if v.step is Step.PROBLEM and v.problem:
            return f"{v.problem.code}: {t.message(v.problem.message)}"
        if v.step is Step.DONE and v.result:
            end = t.date(v.result.validity_end) if v.result.validity_end else "-"
            return (f"{v.result.state}, valid until {end}, receipt {v.result.receipt}, "
                    f"transaction {v.result.tx_id}")
        return ""


def headless(kiosk, iccid: str, offer_id: str | None, lang: str, out: TextIO) -> str:
    """Drive one renewal through the real engine and adapters; return the final state."""
    from kiosk.provider import demo_data
    from kiosk.provider.testing import sent_code

    engine = kiosk.engine(InlineRunner())
    engine.subscribe(StepPrinter(out, lang))
    engine.set_language(lang)
    engine.identify(iccid)
    if engine.view.step is not Step.CARD:
        return _final(engine.view)
    offers = [o.offer.id for o in engine.view.offers]
    engine.choose_offer(offer_id or offers[0])
    if engine.view.step is not Step.OFFER:
        out.write(f"offer {offer_id} is not available for this card: {offers}\n")
        return "offer_unavailable"
    engine.confirm_offer()
    if engine.view.step is Step.PHONE:
        engine.enter_phone(demo_data.PHONE_TO_BIND)
    if engine.view.step is not Step.CODE:
        return _final(engine.view)
    code = sent_code(kiosk.simulators["operator"], engine.view.code.challenge_id)
    engine.submit_code(code)
    if engine.view.step is Step.PAYMENT:
        engine.pay(engine.view.methods[0])
    _print_receipt(kiosk, engine.view, out)
    return _final(engine.view)


def _final(view: View) -> str:
    if view.step is Step.ATTRACT and view.out_of_service:
        return "out_of_service"
    if view.step is Step.PROBLEM and view.problem:
        return view.problem.code
    if view.result:
        return view.result.state
    return str(view.step)


def _print_receipt(kiosk, view: View, out: TextIO) -> None:
    """What the demo's virtual printer really received, decoded back from its ESC/POS bytes
    (lines drawn as images, such as Chinese, show as a placeholder)."""
    virtual = getattr(kiosk.printer, "virtual", None)
    if view.result is None or virtual is None or not virtual.jobs:
        return
    out.write("----- receipt (as the printer received it) -----\n")
    for line in virtual.jobs[-1].text_lines:
        out.write(f"  {line}\n")
    out.write("-------------------------------------------------\n")
