"""Idle timeout, language switching, lockdown and the hidden staff gesture, on the real window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from kivy.base import EventLoop
from kivy.core.window import Window

from kiosk.flow.view import Step
from tests.ui.conftest import HEIGHT, ICCID

pytestmark = pytest.mark.ui


def test_idle_countdown_then_back_to_start_with_data_wiped(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)
    ui.clock.now += timedelta(seconds=50)
    ui.root.tick()
    ui.idle()
    assert ui.shows("Are you still there?") and ui.shows("Starting over in 10 s")
    ui.tap("Yes, I am here")
    assert not ui.shows("Are you still there?")
    assert ui.engine.view.step is Step.CARD
    ui.clock.now += timedelta(seconds=61)
    ui.root.tick()
    ui.idle()
    assert ui.engine.view.step is Step.ATTRACT
    assert not ui.shows("****" + ICCID[-4:])
    assert ui.shows("Renew your travel SIM card here")


def test_language_switch_rerenders_in_place(make_ui):
    ui = make_ui()
    ui.tap("Start")
    ui.tap("Type the number instead")
    ui.type_digits("8970")
    ui.tap("中文繁體")
    assert ui.shows("輸入卡號") and ui.shows("8970")  # same screen, typed digits kept
    ui.type_digits(ICCID[4:])
    ui.tap("查詢卡號")
    ui.wait_step(Step.CARD)
    assert ui.shows("有效期至2026年11月25日，還剩 3 天")
    assert ui.shows("方案：旅行30方案")  # the operator's name for the plan, in this language
    ui.tap("Русский")
    assert ui.engine.view.step is Step.CARD
    assert ui.shows("Ваша карта")
    assert ui.shows("Тариф: Турист 30") and not ui.shows("旅行30方案")
    assert ui.shows("Действует до 25 ноября 2026\u202fг., осталось дней: 3")
    assert ui.shows("Баланс: 10,00\xa0руб.")  # the font has no rouble sign: never a box


def test_help_opens_over_any_screen_and_closes(make_ui):
    ui = make_ui()
    ui.tap("?")
    assert ui.shows("Can I renew in another city?")
    ui.tap("Close")
    assert not ui.shows("Can I renew in another city?")


def test_escape_and_back_keys_do_not_leave_the_app(make_ui):
    ui = make_ui()
    assert ui.app._swallow_exit_keys(Window, 27) is True
    assert ui.app._swallow_exit_keys(Window, 1001) is True
    Window.dispatch("on_keyboard", 27, 0, None, [])
    ui.idle()
    assert ui.root.get_root_window() is Window and ui.shows("Start")
    assert ui.app.open_settings() is False and ui.app.use_kivy_settings is False


class StepClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_hidden_staff_gesture_opens_the_staff_login(make_ui):
    clock = StepClock()
    ui = make_ui(gesture_clock=clock)
    corner = (20, HEIGHT - 20)
    ui.tap_at(*corner)  # a tap alone does nothing
    assert not ui.shows("Staff login")
    from kivy.tests.common import UnitTestTouch

    hold = UnitTestTouch(*corner)
    hold.touch_down()
    clock.now += 3.2
    hold.touch_up()
    for _ in range(4):
        clock.now += 0.3
        ui.tap_at(*corner)
    assert ui.shows("Staff login")
    ui.tap("Close")
    assert not ui.shows("Staff login")


@pytest.mark.parametrize("tick_every_frame", [False, True])
def test_camera_preview_uploads_only_new_frames_and_stops_with_its_screen(make_ui, monkeypatch,
                                                                         tick_every_frame):
    """``tick_every_frame``: the area's wall-clock tick is due in every frame, as when each
    frame takes longer than the tick's period on a loaded machine (which made a second upload
    of the first frame, after the preview's final layout, fail this test there)."""
    import numpy as np

    from kiosk.ui.camera_view import CameraPreview
    from kiosk.ui.scan_area import ScanArea

    frames = {"newest": np.zeros((72, 128, 3), np.uint8)}
    previews: list[CameraPreview] = []

    def camera() -> CameraPreview:
        previews.append(CameraPreview(lambda: frames["newest"]))
        return previews[-1]

    if tick_every_frame:
        monkeypatch.setattr("kiosk.ui.scan_area.PREVIEW_FPS", 1_000_000)
    ui = make_ui()
    ui.root.camera = camera
    ui.tap("Start")
    preview = previews[-1]
    area = next(w for w in ui.root.walk(restrict=True) if isinstance(w, ScanArea))
    # The area's own wall-clock tick may have run during the tap's frames, before or after
    # the preview got its final size (a new size is a new picture): whatever it did, the
    # newest frame is shown after one explicit tick, and no frame runs between these ticks.
    area._tick(0)
    shown = preview.uploads
    assert shown >= 1
    area._tick(0)
    area._tick(0)
    assert preview.uploads == shown  # the same frame is not uploaded (nor repainted) again
    frames["newest"] = np.ones((72, 128, 3), np.uint8)
    area._tick(0)
    assert preview.uploads == shown + 1 and area._event.is_triggered
    ui.tap("Type the number instead")  # the scan screen is dropped
    assert not area._event.is_triggered


def test_camera_preview_shows_the_frame_upright_filling_its_area_in_one_rectangle(make_ui,
                                                                                  tmp_path):
    import numpy as np
    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.graphics import Rectangle, StencilPush
    from PIL import Image

    from kiosk.ui.camera_view import CameraPreview, cover_crop
    from kiosk.ui.scan_area import ScanArea

    frame = np.zeros((72, 128, 3), np.uint8)
    frame[:36] = 255  # the camera's top half is white, its bottom half black
    previews: list[CameraPreview] = []

    def camera() -> CameraPreview:
        previews.append(CameraPreview(lambda: frame))
        return previews[-1]

    ui = make_ui()
    ui.root.camera = camera
    ui.tap("Start")
    preview = previews[-1]
    preview.poll()  # the scan area's own tick (wall-clock timed) may have uploaded it first
    assert preview.texture is not None
    area = next(w for w in ui.root.walk(restrict=True) if isinstance(w, ScanArea))
    area.stop_ticking()
    area.guide.progress = 0  # the translucent card hint at rest, low over the black half
    for _ in range(3):
        EventLoop.idle()
    kinds = [type(i) for i in preview.canvas.children]
    assert kinds.count(Rectangle) == 1 and StencilPush not in kinds
    shot = Image.open(Window.screenshot(name=str(tmp_path / "preview.png"))).convert("L")

    def grey_at(fraction: float) -> int:
        # near the left edge, where the gliding card hint never goes; PNG rows run top-down
        x = preview.x + preview.width * 0.04
        y = Window.height - (preview.y + preview.height * fraction)
        return shot.getpixel((int(x), int(y)))

    assert grey_at(0.9) > 200 and grey_at(0.1) < 60  # upright: the top stays on top
    # The picture is drawn without blending; what is drawn over it must blend again: the
    # hint is white at 35 % over black, not solid white.
    (hx, hy, hw, _hh) = area.guide._card.pos + area.guide._card.size
    hint = shot.getpixel((int(hx + hw * 0.05), int(Window.height - (hy + 4))))
    assert 60 < hint < 130
    # made for the area's own pixels (drawn one to one), cropped to fill it, not squashed
    assert preview.texture.size == (round(preview.width), round(preview.height))
    _x, y, w, h = cover_crop((128, 72), preview.size)
    assert abs(w / h - preview.width / preview.height) < 0.02 and (y, h) == (0, 72)


def test_the_preview_picture_is_the_centre_of_the_frame_at_the_area_s_size():
    import numpy as np

    from kiosk.ui.camera_view import cover_crop, fit_picture

    assert cover_crop((1280, 720), (1024, 880)) == (221, 0, 838, 720)  # wide frame, tall area
    assert cover_crop((1280, 720), (1920, 540)) == (0, 0 + 180, 1280, 360)  # wider area
    assert cover_crop((1280, 720), (1280, 720)) == (0, 0, 1280, 720)
    frame = np.zeros((72, 128, 3), np.uint8)
    frame[:, :64] = (255, 0, 0)  # blue on the left half (BGR), red on the right
    frame[:, 64:] = (0, 0, 255)
    picture = fit_picture(frame, (50, 40))
    assert picture.shape == (40, 50, 4)
    assert tuple(picture[20, 2]) == (0, 0, 255, 255)  # RGBA: blue stays blue
    assert tuple(picture[20, 47]) == (255, 0, 0, 255)


def test_the_screen_on_show_stops_moving_once_the_next_one_is_on_its_way(make_ui):
    """Its repaints would land on the frames that build the next screen."""
    import numpy as np

    from kiosk.ui.camera_view import CameraPreview
    from kiosk.ui.scan_area import ScanArea

    ui = make_ui()
    ui.root.camera = lambda: CameraPreview(lambda: np.zeros((72, 128, 3), np.uint8))
    ui.tap("Start")
    area = next(w for w in ui.root.walk(restrict=True) if isinstance(w, ScanArea))
    assert area._event.is_triggered  # the camera screen polls its preview
    ui.root.rerender()  # a new screen asked for: it is made and staged on coming frames
    assert area.get_root_window() is not None and not area._event.is_triggered


def test_the_read_flash_fades_in_a_few_steps(make_ui):
    """Every step repaints the whole window while the card's screen is being built."""
    import time

    from kivy.base import EventLoop

    from kiosk.ui.feedback import FLASH_FPS, FLASH_S

    ui = make_ui()
    flash, seen = ui.root.flash, [1]
    flash.show("read")
    end = time.monotonic() + 60  # a bound against a hang: the fade is over in FLASH_S
    while flash.alpha != 0:  # frames until it has faded, however long each frame takes
        assert time.monotonic() < end, f"the flash never faded: {seen}"
        EventLoop.idle()
        if seen[-1] != flash.alpha:
            seen.append(flash.alpha)
        time.sleep(1 / 120)  # frames at about the display's rate, as the kiosk runs them
    assert seen[-1] == 0 and len(seen) <= FLASH_S * FLASH_FPS + 3


def test_the_read_flash_costs_nothing_once_it_has_faded(make_ui):
    from kivy.base import EventLoop

    ui = make_ui()
    flash = ui.root.flash
    assert all(bar.size == [0, 0] or tuple(bar.size) == (0, 0) for bar in flash.bars)
    flash.show("read")
    assert flash.alpha == 1 and all(min(bar.size) > 0 for bar in flash.bars)
    ui.wait_for(lambda: flash.alpha == 0, "the flash to fade")
    EventLoop.idle()
    assert all(tuple(bar.size) == (0, 0) for bar in flash.bars)


def test_out_of_service_when_the_terminal_stops_answering_and_back_when_it_returns(make_ui):
    ui = make_ui()
    terminal = next(iter(ui.terminals.values()))
    terminal.online = False
    ui.root.tick()
    ui.wait_for(lambda: ui.shows("This kiosk is out of service"), "out-of-service screen")
    assert ui.shows("本自助机暂停服务") and ui.shows("Киоск временно не работает")
    assert not ui.shows("Start")
    ui.root.card_read(ICCID)  # a card held to the camera meanwhile
    ui.idle()
    assert ui.engine.view.step is Step.ATTRACT and ui.shows("This kiosk is out of service")
    terminal.online = True
    ui.clock.now += timedelta(seconds=31)
    ui.root.tick()
    ui.wait_for(lambda: ui.shows("Start"), "the attract screen again")
    ui.tap("Start")
    ui.tap("Demo card")
    ui.wait_step(Step.CARD)


def test_card_hint_is_drawn_inside_its_area_after_the_area_moves(window):
    """A landscape side panel is laid out after it is built: the hint must move with it
    even while it rests (no animation step to redraw it)."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.widget import Widget

    from kiosk.ui.scan_area import ScanArea
    from kiosk.ui.theme import Metrics

    row = BoxLayout(orientation="horizontal", size_hint=(None, None), size=(1000, 600),
                    pos=(40, 700), padding=(20, 0), spacing=20)
    area = ScanArea(Metrics(1080, 1920), None)
    area.stop_ticking()
    row.add_widget(Widget())  # the words; the camera panel is the side column
    row.add_widget(area)
    window.add_widget(row)
    try:
        for _ in range(3):
            EventLoop.idle()
        card_x, card_y = area.guide._card.pos
        card_w, card_h = area.guide._card.size
        assert area.x <= card_x and card_x + card_w <= area.right
        assert area.y <= card_y and card_y + card_h <= area.top
    finally:
        window.remove_widget(row)


def _visible(widget) -> bool:
    """No ancestor up to the window is transparent (the window is its own parent)."""
    while widget is not None and widget.parent is not widget:
        if widget.opacity == 0:
            return False
        widget = widget.parent
    return True


def test_a_new_screen_never_shows_a_frame_with_its_words_missing(make_ui):
    """Kivy draws a label's text a frame after the label is made: the screen (and each offer
    card filled in later) must not be on show before then."""
    from kivy.base import EventLoop
    from kivy.uix.label import Label

    from kiosk.flow.view import Step
    from tests.ui.conftest import ICCID

    ui = make_ui()
    ui.engine.identify(ICCID)  # no helper that runs frames: every frame is looked at here
    blank_frames, frames = [], 0
    while ui.engine.view.step is not Step.CARD or ui.root.building():
        EventLoop.idle()
        frames += 1
        assert frames < 2000, "the card screen never finished building"
        shown = [w for w in ui.root.walk(restrict=True)
                 if isinstance(w, Label) and w.text and w.get_root_window() is not None
                 and _visible(w)]
        blank_frames += [(frames, w.text) for w in shown
                         if w.texture is None or w.texture.size[0] <= 1]
    assert ui.shows("Your card") and ui.find("RUB\xa0700.00")
    assert blank_frames == []


def test_a_long_screen_goes_on_the_window_only_once_all_its_parts_are_built(make_ui):
    """Parts added on the window repaint the whole screen each frame: they are built off it."""
    from kivy.base import EventLoop

    from kiosk.flow.view import Step
    from kiosk.ui.progressive import ProgressiveColumn
    from tests.ui.conftest import ICCID

    ui = make_ui()
    ui.engine.identify(ICCID)
    columns: list[ProgressiveColumn] = []
    frames = 0
    while ui.engine.view.step is not Step.CARD or ui.root.building():
        EventLoop.idle()
        frames += 1
        assert frames < 2000, "the card screen never finished building"
        staged = ui.root.stage.incoming
        if staged is not None:
            columns += [w for w in staged.walk(restrict=True)
                        if isinstance(w, ProgressiveColumn) and w not in columns]
        assert not any(c.pending and c.get_root_window() is not None for c in columns)
    assert columns and columns[0].get_root_window() is not None  # it was staged, then shown
    assert ui.find("RUB\xa0700.00")


def test_full_collections_run_on_the_frame_after_a_screen_swap_and_not_on_their_own(make_ui):
    import gc

    from kivy.base import EventLoop

    from kiosk.ui.memory import MAX_WAIT_FRAMES, CollectorPacer

    pacer = CollectorPacer()
    ui = make_ui()
    ui.root.stage.swapped = pacer.screen_swapped  # as kiosk.ui.main wires it
    full_passes: list[int] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            full_passes.append(pacer.passes)

    pacer.start()
    gc.callbacks.append(watch)
    try:
        assert gc.get_threshold()[2] >= 10**6 and gc.get_freeze_count() > 0
        junk = []
        for _ in range(300_000):  # enough young objects for a full pass under the default rule
            junk.append([junk])
            junk = junk[-1:]
        assert full_passes == []
        ui.tap("Start")  # a screen swap
        # The swap's own frame repaints: the pass waits for a quiet frame, and a frame is
        # quiet by the time spent in it, so on a loaded machine it may wait its whole limit:
        # frames up to that limit, not a fixed few.
        for _ in range(MAX_WAIT_FRAMES + 3):
            if pacer.passes:
                break
            EventLoop.idle()
        assert pacer.passes >= 1 and full_passes
    finally:
        gc.callbacks.remove(watch)
        pacer.stop()
    assert gc.get_threshold()[2] < 10**6 and gc.get_freeze_count() == 0


def test_the_pass_after_a_swap_waits_for_a_frame_with_nothing_to_repaint(window):
    import gc

    from kivy.base import EventLoop

    from kiosk.ui.memory import MAX_WAIT_FRAMES, CollectorPacer

    repaint = {"now": True}
    pacer = CollectorPacer(repaints=lambda: repaint["now"])
    frames_of_passes: list[int] = []
    frame = {"n": 0}

    def watch(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            frames_of_passes.append(frame["n"])

    pacer.start()
    gc.callbacks.append(watch)
    try:
        pacer.screen_swapped()
        for frame["n"] in range(1, 6):  # every frame repaints (a camera, an animation)
            EventLoop.idle()
        assert frames_of_passes == []
        repaint["now"] = False
        for frame["n"] in range(6, 9):
            EventLoop.idle()
        assert len(frames_of_passes) == 1 and frames_of_passes[0] >= 6  # once quiet
        repaint["now"] = True
        pacer.screen_swapped()
        for frame["n"] in range(9, 9 + MAX_WAIT_FRAMES + 3):
            EventLoop.idle()
        assert len(frames_of_passes) == 2  # busy throughout: it ran anyway, once
    finally:
        gc.callbacks.remove(watch)
        pacer.stop()


def test_screens_asked_for_in_one_frame_are_made_once_the_last(window):
    from kivy.base import EventLoop
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.widget import Widget

    from kiosk.ui.progressive import SETTLE_FRAMES, Stage

    slot, made, dropped = BoxLayout(), [], []
    window.add_widget(slot)
    try:
        stage = Stage(slot, dropped.append)

        def make(name: str):
            def build() -> Widget:
                made.append(name)
                return Widget()
            return build

        for prompt in ("insert card", "enter PIN", "processing"):  # one frame's views
            stage.show(make(prompt))
        for _ in range(SETTLE_FRAMES + 2):
            EventLoop.idle()
        assert made == ["processing"] and len(slot.children) == 1 and not stage.pending
        assert dropped == []  # nothing staged was thrown away
    finally:
        window.remove_widget(slot)
