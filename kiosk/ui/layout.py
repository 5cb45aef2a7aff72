"""Screen skeletons shared by every step: a title, a body, an action bar at the bottom.

Portrait stacks everything; landscape puts a side panel (keypad, QR, camera) beside the
main column, so both orientations use the whole panel without stretching buttons.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.context import Ctx
from kiosk.ui.steps import StepIndicator
from kiosk.ui.widgets import Text, column


def scroll(child: Widget) -> ScrollView:
    view = ScrollView(do_scroll_x=False, bar_width=12, scroll_type=["bars", "content"],
                      bar_color=theme.ACCENT, bar_inactive_color=theme.MUTED)
    view.add_widget(child)
    return view


def title(c: Ctx, text: str, subtitle: str | None = None) -> Widget:
    parts = [Text(text, c.m, "title", bold=True, halign="center")]
    if subtitle:
        parts.append(Text(subtitle, c.m, "body", color=theme.MUTED, halign="center"))
    return column(c.m, *parts, padding=(c.m.pad, c.m.pad / 2))


def action_bar(c: Ctx, *others: Widget, main: Widget | None = None) -> Widget:
    """The bottom bar: the screen's main action always in the right half, the ways back or
    out (Cancel, Back) always in the left half, either half left empty when it has none.

    A fixed place for each kind is what makes a double tap safe: the second tap lands where
    the next screen also has its main action, never its Cancel.
    """
    bar = BoxLayout(orientation="horizontal", spacing=c.m.pad / 2, size_hint_y=None,
                    height=c.m.big_button + c.m.pad, padding=(c.m.pad, c.m.pad / 2))
    for half in (others, (main,) if main is not None else ()):
        box = BoxLayout(orientation="horizontal", spacing=c.m.pad / 2)
        for button in half:
            box.add_widget(button)
        bar.add_widget(box)
    return bar


def screen(c: Ctx, head: Widget | None, body: Widget, actions: Widget | None = None,
           side: Widget | None = None, steps: bool = True) -> Widget:
    """Title on top, ``body`` in the middle (scrolling if long), actions at the bottom;
    ``side`` goes below the body in portrait and beside it in landscape. Every screen of a
    session has the step indicator above it (``steps``: not the welcome screen)."""
    root = BoxLayout(orientation="vertical")
    if steps:
        root.add_widget(StepIndicator(c))
    if head is not None:
        root.add_widget(head)
    middle = BoxLayout(orientation="horizontal" if c.m.landscape else "vertical",
                       spacing=c.m.pad, padding=(c.m.pad, 0))
    middle.add_widget(body)
    if side is not None:
        middle.add_widget(side)
    root.add_widget(middle)
    if actions is not None:
        root.add_widget(actions)
    return root


def top(widget: Widget) -> Widget:
    """Keeps a fixed-height block at the top of its slot instead of stretching it."""
    box = BoxLayout(orientation="vertical")
    box.add_widget(widget)
    box.add_widget(Widget())
    return box


def bottom(widget: Widget) -> Widget:
    """Keeps a fixed-height block at the bottom of its slot, against the action bar."""
    box = BoxLayout(orientation="vertical")
    box.add_widget(Widget())
    box.add_widget(widget)
    return box


def keypad_screen(c: Ctx, head: Widget, display: Widget, pad: Widget,
                  actions: Widget) -> Widget:
    """A keypad screen: the keys stand on the action bar, so nothing above them (a title in
    another language, the number, an error) can move them under the traveller's finger."""
    if c.m.landscape:
        return screen(c, head, top(display), actions, side=bottom(pad))
    return screen(c, head, bottom(column(c.m, display, pad, padding=0)), actions)
