"""Labels draw only the rectangle round their lines, and look exactly as Kivy draws them."""

from __future__ import annotations

import numpy as np
import pytest
from kivy.base import EventLoop
from kivy.graphics import Rectangle
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui import theme
from kiosk.ui.ink import ink_span
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import BigButton, Text

M = Metrics(1080, 1920)


def test_the_span_of_the_widest_line_follows_the_alignment():
    assert ink_span(1000, 100, "left", (0, 0)) == (0, 101)
    assert ink_span(1000, 100, "center", (0, 0)) == (449, 102)
    assert ink_span(1000, 100, "right", (10, 20)) == (879, 102)
    assert ink_span(1000, 1000, "center", (0, 0)) == (0, 1000)  # never past the texture


def _shot(window, widget: Widget, tmp_path, name: str) -> np.ndarray:
    from PIL import Image

    window.add_widget(widget)
    try:
        for _ in range(4):
            EventLoop.idle()
        path = window.screenshot(name=str(tmp_path / f"{name}.png"))
        return np.asarray(Image.open(path).convert("RGB"))
    finally:
        window.remove_widget(widget)


def _plain(cls, tight: Widget) -> Widget:
    """Kivy's own widget with the same text, colours, size and place: the whole texture."""
    other = cls(text=tight.text, font_size=tight.font_size, color=tight.color,
                halign=tight.halign, valign=tight.valign, text_size=tight.text_size,
                size_hint=(None, None), size=tight.size, pos=tight.pos)
    if cls is Button:
        other.background_normal = other.background_down = ""
        other.background_color = tight.background_color
    return other


WORDS = ["Short", "Valid until 14 December, 12 days left",
         "A sentence long enough to wrap over two lines in the column, and a shorter one",
         "在此為您的旅行SIM卡續費"]


@pytest.mark.parametrize("halign", ["left", "center", "right"])
@pytest.mark.parametrize("words", WORDS)
def test_text_looks_as_kivy_draws_it_with_far_fewer_pixels(window, tmp_path, halign, words):
    text = Text(words, M, halign=halign, size_hint=(None, None), width=900, pos=(90, 900))
    window.add_widget(text)
    for _ in range(4):
        EventLoop.idle()
    window.remove_widget(text)
    ink = [i for i in text.canvas.children if type(i) is Rectangle][-1]
    assert ink.size[1] == text.texture.size[1] and ink.size[0] <= text.texture.size[0]
    if words == "Short":
        assert ink.size[0] < text.texture.size[0] / 5
    tight = _shot(window, text, tmp_path, "tight")
    plain = _shot(window, _plain(Label, text), tmp_path, "plain")
    assert (tight != plain).any(axis=2).sum() == 0
    assert (tight != np.asarray(theme.BACKGROUND[:3]) * 255).any()  # something was drawn


def test_a_button_keeps_its_background_and_its_words_where_kivy_puts_them(window, tmp_path):
    button = BigButton("Start", M, size_hint=(None, None), width=800, pos=(140, 900))
    tight = _shot(window, button, tmp_path, "tight")
    plain = _shot(window, _plain(Button, button), tmp_path, "plain")
    assert (tight != plain).any(axis=2).sum() == 0
    ink = [i for i in button.canvas.children if type(i) is Rectangle][-1]
    assert ink.size[0] < button.width / 3


def test_a_button_answers_a_press_and_looks_dimmed_while_it_cannot_be_pressed(window):
    button = BigButton("Send again", M, kind="secondary")
    fill = button._fill_colour
    normal = tuple(fill.rgba)
    button.state = "down"
    assert sum(fill.rgba[:3]) < sum(normal[:3]) and fill.rgba[3] == 1
    button.state = "normal"
    assert tuple(fill.rgba) == normal
    button.disabled = True
    assert sum(fill.rgba[:3]) < sum(normal[:3])
    button.disabled = False
    assert tuple(fill.rgba) == normal
