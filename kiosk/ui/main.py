"""``kiosk demo`` with a screen: wires the built kiosk, the camera and the wedge to the UI.

The one place in ``kiosk.ui`` that touches concrete adapters (the scanner, the demo data):
it takes the objects ``kiosk.app.build`` made and hands the widgets plain callables, so no
widget ever imports an adapter.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk import config as config_mod
from kiosk.paths import data_dir as resolve_data_dir
from kiosk.ui.kivy_setup import Screen, prepare

log = logging.getLogger(__name__)


def screen_size(cfg: config_mod.Config) -> tuple[int, int]:
    """The [ui] width and height, turned to match the configured orientation."""
    width, height = cfg["ui.width"], cfg["ui.height"]
    landscape = cfg["ui.orientation"] == "landscape"
    if landscape != (width > height):
        width, height = height, width
    return width, height


def demo_cards() -> tuple:
    from kiosk.provider import demo_data
    from kiosk.ui.context import DemoCard

    cards = [DemoCard(f"{card.status}{'' if card.phone else ', no phone'} …{card.iccid[-4:]}",
                      card.iccid) for card in demo_data.CARDS]
    unknown = demo_data.ICCID_UNKNOWN
    return (*cards, DemoCard(f"unknown …{unknown[-4:]}", unknown))


def run_ui(args: argparse.Namespace) -> int:
    cfg = config_mod.load(Path(args.config) if getattr(args, "config", None) else None)
    width, height = screen_size(cfg)
    prepare(Screen(width, height, kiosk_mode=not cfg.is_demo))
    from kiosk import app

    kiosk = app.build(cfg, resolve_data_dir(args.data_dir), pay=getattr(args, "pay", None),
                      operator_faults=tuple(getattr(args, "operator_fault", ()) or ()))
    try:
        for line in kiosk.recover():
            log.warning("recovered %s: %s -> %s", line.tx_id, line.before, line.after)
        return _run(kiosk, cfg, width, height)
    finally:
        kiosk.close()


def _run(kiosk, cfg: config_mod.Config, width: int, height: int) -> int:
    from kiosk.flow.runner import ThreadRunner
    from kiosk.flow.view import Step
    from kiosk.scanner.camera import CameraScanner
    from kiosk.scanner.wedge import KeyboardWedge
    from kiosk.ui.camera_view import CameraPreview
    from kiosk.ui.keys import WedgeInput
    from kiosk.ui.kiosk_app import KioskApp, clock_poster
    from kiosk.ui.root import KioskRoot
    from kiosk.ui.theme import Metrics

    runner = ThreadRunner(clock_poster)
    engine = kiosk.engine(runner)
    cards = demo_cards() if cfg.is_demo else ()
    holder: dict = {}

    def read(text: str) -> None:
        clock_poster(lambda: holder["root"].card_read(text))

    scanner = CameraScanner.from_config(
        cfg.section("scanner"), kiosk.data_dir,
        demo_iccids=[card.iccid for card in cards] or None,
        on_read=lambda r: read(r.identity.iccid.digits))
    wedge = KeyboardWedge(lambda found: read(found.iccid.digits)
                          if hasattr(found, "iccid") else None,
                          max_key_interval_ms=cfg["scanner.wedge_max_key_interval_ms"])

    def make_root() -> KioskRoot:
        root = KioskRoot(engine, Metrics(width, height), ZoneInfo(cfg["kiosk.timezone"]),
                         camera=lambda: CameraPreview(scanner.latest_preview),
                         demo_cards=cards)
        holder["root"], holder["wedge"] = root, WedgeInput(wedge.feed, wedge.tick)
        engine.subscribe(lambda v: scanner.rearm() if v.step is Step.ATTRACT else None)
        return root

    scanner.start()
    try:
        KioskApp(make_root, kiosk_mode=not cfg.is_demo).run()
    finally:
        scanner.stop()
        runner.shutdown()
    return 0
